// The one typed door to the Rust side: every command the UI calls is wrapped here, with argument
// and result types generated from the Rust types (ui/src/bindings, by ts-rs). Components never call
// `invoke` with a hand-typed command name.
import { invoke, type InvokeArgs } from "@tauri-apps/api/core";
import type { AbandonOutcome } from "./bindings/AbandonOutcome";
import type { Buyer } from "./bindings/Buyer";
import type { Entitlement } from "./bindings/Entitlement";
import type { Receipt } from "./bindings/Receipt";
import type { AppStatus } from "./bindings/AppStatus";
import type { BackupMade } from "./bindings/BackupMade";
import type { RestoreReport } from "./bindings/RestoreReport";
import type { StorePcView } from "./bindings/StorePcView";
import type { UpdateCheck } from "./bindings/UpdateCheck";
import type { UpdateOffer } from "./bindings/UpdateOffer";
import type { BillingWindow } from "./bindings/BillingWindow";
import type { Subscription } from "./bindings/Subscription";
import type { SubscriptionView } from "./bindings/SubscriptionView";
import type { CheckoutTicket } from "./bindings/CheckoutTicket";
import type { JobView } from "./bindings/JobView";
import type { OrderDetail } from "./bindings/OrderDetail";
import type { OrderEvent } from "./bindings/OrderEvent";
import type { OrderPage } from "./bindings/OrderPage";
import type { OrderQuery } from "./bindings/OrderQuery";
import type { PayMethod } from "./bindings/PayMethod";
import type { RefundAccount } from "./bindings/RefundAccount";
import type { RefundOutcome } from "./bindings/RefundOutcome";
import type { BankList } from "./bindings/BankList";
import type { SyncStatus } from "./bindings/SyncStatus";
import type { Credentials } from "./bindings/Credentials";
import type { CredentialsStatus } from "./bindings/CredentialsStatus";
import type { ErrorCode } from "./bindings/ErrorCode";
import type { PinStatus } from "./bindings/PinStatus";
import type { Plan } from "./bindings/Plan";
import type { Settings } from "./bindings/Settings";
import type { SettingsView } from "./bindings/SettingsView";
import type { ExportDone } from "./bindings/ExportDone";
import type { ReceiptAsk } from "./bindings/ReceiptAsk";
import type { ReceiptOutcome } from "./bindings/ReceiptOutcome";
import type { Settlement } from "./bindings/Settlement";
import type { SettlementQuery } from "./bindings/SettlementQuery";

const ERROR_CODES: readonly ErrorCode[] = [
  "validation",
  "not_found",
  "conflict",
  "offline",
  "declined",
  "outcome_unknown",
  "pin",
  "internal",
];

/** A command failed: `code` is what the UI branches on, `message` is Korean and safe to show. */
export class CommandError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = "CommandError";
    this.code = code;
  }
}

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && (ERROR_CODES as readonly string[]).includes(value);
}

/**
 * Turns whatever `invoke` rejected with into a CommandError. Our commands reject with `{code, message}`;
 * Tauri itself rejects with a plain string when a command is unknown or its arguments do not parse,
 * which is a bug on our side: it becomes `internal` with a generic Korean message (the raw text is
 * English and technical, so it goes to the console, not to the owner).
 */
export function toCommandError(reason: unknown): CommandError {
  if (reason instanceof CommandError) return reason;
  if (typeof reason === "object" && reason !== null) {
    const { code, message } = reason as { code?: unknown; message?: unknown };
    if (isErrorCode(code) && typeof message === "string") return new CommandError(code, message);
  }
  console.error("unexpected IPC failure", reason);
  return new CommandError("internal", "앱 내부 오류로 요청을 처리하지 못했습니다.");
}

async function call<T>(command: string, args?: InvokeArgs): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (reason) {
    throw toCommandError(reason);
  }
}

/** The plans for sale, in display order. */
export function listPlans(): Promise<Plan[]> {
  return call<Plan[]>("list_plans");
}

/** The saved settings, whether the REST credentials are set, and the problem if the file was broken. */
export function getSettings(): Promise<SettingsView> {
  return call<SettingsView>("get_settings");
}

/**
 * The owner's PIN (관리자 PIN) for a guarded command: `null` when none was asked for. Rust checks
 * it before anything else and refuses with code `pin` (missing, wrong, locked); see usePinGuard.
 */
export type OwnerPin = string | null;

/** Validates and saves the settings (guarded); switching to live mode checks the credentials with Iamport first. */
export function saveSettings(settings: Settings, pin: OwnerPin = null): Promise<SettingsView> {
  return call<SettingsView>("save_settings", { settings, pin });
}

/** Stores the REST key and secret (guarded; write-only: the reply says only whether they are set). */
export function setCredentials(
  credentials: Credentials,
  pin: OwnerPin = null,
  relay = false,
): Promise<CredentialsStatus> {
  return call<CredentialsStatus>("set_credentials", relay ? { credentials, pin, relay } : { credentials, pin });
}

/** Whether an owner PIN is set, tries left and until when it is locked (never the PIN or its hash). */
export function pinStatus(): Promise<PinStatus> {
  return call<PinStatus>("pin_status");
}

/** Sets the owner PIN (4–8 digits); changing it needs the current one in `pin`. */
export function setOwnerPin(newPin: string, pin: OwnerPin = null): Promise<PinStatus> {
  return call<PinStatus>("set_owner_pin", { newPin, pin });
}

/** Mode, connectivity, queue and any start-up problem, for the status bar and the error screen. */
export function appStatus(): Promise<AppStatus> {
  return call<AppStatus>("app_status");
}

/**
 * Creates an order for the plan (Rust fixes the amount) and opens the payment window for it.
 * `buyer`'s blank fields take the settings' defaults; Rust refuses malformed ones.
 */
export function startCheckout(planId: string, payMethod: PayMethod, buyer?: Buyer): Promise<CheckoutTicket> {
  return call<CheckoutTicket>("start_checkout", buyer ? { planId, payMethod, buyer } : { planId, payMethod });
}

/** What the printed receipt (영수증 인쇄) of the order says. */
export function getReceipt(merchantUid: string): Promise<Receipt> {
  return call<Receipt>("get_receipt", { merchantUid });
}

/** The shop's 이용 기간 now (on Iamport's clock), computed by Rust from the order book. */
export function getEntitlement(): Promise<Entitlement> {
  return call<Entitlement>("get_entitlement");
}

/** Opens the payment window again for the same order (same merchant_uid and amount). */
export function retryCheckout(merchantUid: string): Promise<CheckoutTicket> {
  return call<CheckoutTicket>("retry_checkout", { merchantUid });
}

/**
 * 주문 취소 of an unpaid order: Rust gives it up and revokes an issued virtual account at Iamport
 * (queued when offline). A paid order is refused.
 */
export function abandonOrder(merchantUid: string): Promise<AbandonOutcome> {
  return call<AbandonOutcome>("abandon_order", { merchantUid });
}

/** One page of the order history, newest first. */
export function listOrders(query: OrderQuery): Promise<OrderPage> {
  return call<OrderPage>("list_orders", { query });
}

/** An order with its timeline, receipt link and any refund still waiting. */
export function getOrder(merchantUid: string): Promise<OrderDetail> {
  return call<OrderDetail>("get_order", { merchantUid });
}

/** An order's audit events, oldest first. */
export function orderEvents(merchantUid: string): Promise<OrderEvent[]> {
  return call<OrderEvent[]>("order_events", { merchantUid });
}

/**
 * What a refund sends. `amount` is null for 전액 환불 (Rust refunds whatever is left), or the
 * amount the owner typed for 부분 환불 (Rust checks it against the balance). The UI never sends
 * an amount of its own.
 */
export interface RefundInput {
  merchantUid: string;
  amount: string | null;
  reason: string;
  refundAccount: RefundAccount | null;
}

/**
 * Refunds all or part of a paid order (guarded); offline, the refund waits in the queue. An empty
 * partial amount is refused here and never sent: Rust reads an empty amount as everything left.
 */
export function refundOrder(input: RefundInput, pin: OwnerPin = null): Promise<RefundOutcome> {
  const amount = input.amount === null ? null : input.amount.trim();
  if (amount === "") {
    return Promise.reject(new CommandError("validation", "환불할 금액을 입력해 주세요. 남은 금액을 모두 환불하려면 전액 환불을 눌러 주세요."));
  }
  return call<RefundOutcome>("refund_order", { ...input, amount, pin });
}

/** The banks a refund account takes (Iamport's list, the kept copy offline, or the built-in one). */
export function refundBanks(): Promise<BankList> {
  return call<BankList>("refund_banks");
}

/**
 * Sends the parked automatic cancel of a mismatched virtual-account order with the buyer's refund
 * account (guarded). Rust checks the account (bank code from the list, number by shape, holder).
 */
export function resumeMismatchRefund(merchantUid: string, refundAccount: RefundAccount, pin: OwnerPin = null): Promise<RefundOutcome> {
  return call<RefundOutcome>("resume_mismatch_refund", { merchantUid, refundAccount, pin });
}

/** Opens the order's receipt in the system browser. */
export function openReceipt(merchantUid: string): Promise<void> {
  return call<void>("open_receipt", { merchantUid });
}

/** The sync engine: online, queue, oldest item's age, last successful sync. */
export function syncStatus(): Promise<SyncStatus> {
  return call<SyncStatus>("sync_status");
}

/** 지금 동기화: runs a cycle now. */
export function syncNow(): Promise<SyncStatus> {
  return call<SyncStatus>("sync_now");
}

/** Jobs still open (waiting, running, parked for a person). */
export function listJobs(): Promise<JobView[]> {
  return call<JobView[]>("list_jobs");
}

/** A parked job back in the queue. */
export function retryJob(id: number): Promise<JobView> {
  return call<JobView>("retry_job", { id });
}

/** A new subscription to the plan; Rust opens the payment window that issues its billing key. */
export function startSubscription(planId: string): Promise<BillingWindow> {
  return call<BillingWindow>("start_subscription", { planId });
}

/**
 * 다시 등록: Rust opens the payment window of an unfinished card registration again (same order,
 * same key handle); how it ends comes as a `billing-result` event, recorded by Rust.
 */
export function reopenSubscription(id: string): Promise<BillingWindow> {
  return call<BillingWindow>("reopen_subscription", { id });
}

/** Every subscription with its payment history. */
export function listSubscriptions(): Promise<SubscriptionView[]> {
  return call<SubscriptionView[]>("list_subscriptions");
}

/** 해지 예약: cancel at the period end (guarded). */
export function cancelSubscription(id: string, pin: OwnerPin = null): Promise<Subscription> {
  return call<Subscription>("cancel_subscription", { id, pin });
}

/** 재개: undo a cancel at period end. */
export function resumeSubscription(id: string): Promise<Subscription> {
  return call<Subscription>("resume_subscription", { id });
}

/** 다시 예약: schedule again the renewals unscheduled at Iamport (in the console). */
export function scheduleSubscriptionAgain(id: string): Promise<Subscription> {
  return call<Subscription>("schedule_subscription_again", { id });
}

/** 지금 다시 시도: charge the open charge now. */
export function retrySubscription(id: string): Promise<Subscription> {
  return call<Subscription>("retry_subscription", { id });
}

/** 카드 변경 (guarded): Rust opens the payment window that issues the new key and, once it verified
 * the key at Iamport, moves the subscription to it. */
export function cardChangeWindow(id: string, pin: OwnerPin = null): Promise<BillingWindow> {
  return call<BillingWindow>("card_change_window", { id, pin });
}

/** 카드 삭제 (guarded): deletes the billing key at Iamport; refused while a subscription or schedule still uses it. */
export async function deleteBillingKey(customerUid: string, pin: OwnerPin = null): Promise<void> {
  await call<null>("delete_billing_key", { customerUid, pin });
}

/** How many subscriptions need the owner (past due, unpaid). */
export function subscriptionsNeedingAttention(): Promise<number> {
  return call<number>("subscriptions_needing_attention");
}

/** 테스트 데이터 지우기: empties the sandbox order book and the sandbox's saved payments; live data is never touched. */
export async function clearSandboxData(pin: OwnerPin = null): Promise<void> {
  await call<null>("clear_sandbox_data", { pin });
}

/** 설정 → 매장 PC: autostart, the backups of the order book in effect, the owner's backup folder. */
export function storePcStatus(): Promise<StorePcView> {
  return call<StorePcView>("store_pc_status");
}

/** Turns starting at login (hidden, in the tray) on or off (guarded). Returns whether it is on now. */
export function setAutostart(enabled: boolean, pin: OwnerPin = null): Promise<boolean> {
  return call<boolean>("set_autostart", { enabled, pin });
}

/** 지금 백업: a backup of the order book in effect now. */
export function backupNow(): Promise<BackupMade> {
  return call<BackupMade>("backup_now");
}

/** Restores the order book in effect from one of its backups (guarded); the current book is kept as a backup. */
export function restoreBackup(path: string, pin: OwnerPin = null): Promise<RestoreReport> {
  return call<RestoreReport>("restore_backup", { path, pin });
}

/** 진단 정보 내보내기: Rust asks where to save and writes the zip; `null` when the owner cancelled. */
export function exportDiagnostics(): Promise<string | null> {
  return call<string | null>("export_diagnostics");
}

/** 백업 폴더 (guarded): Rust asks for a folder (or with `clear`, stops copying there); returns the folder now set. */
export function chooseBackupFolder(clear: boolean, pin: OwnerPin = null): Promise<string | null> {
  return call<string | null>("choose_backup_folder", { clear, pin });
}

/** 정산 of KST days `from..=to` (YYYY-MM-DD): totals by pay method and by plan. */
export function settlement(from: string, to: string): Promise<Settlement> {
  return call<Settlement>("settlement", { range: { from, to } });
}

/** The orders behind one settlement figure. */
export function settlementOrders(query: SettlementQuery): Promise<OrderPage> {
  return call<OrderPage>("settlement_orders", { query });
}

/** Saves the sales of the range as CSV where the owner picks (native dialog); null if cancelled. */
export function exportSettlementCsv(from: string, to: string): Promise<ExportDone | null> {
  return call<ExportDone | null>("export_settlement_csv", { range: { from, to } });
}

/** Issues an order's cash receipt (지출증빙 to the settings' business number unless given). */
export function issueCashReceipt(merchantUid: string, ask: ReceiptAsk): Promise<ReceiptOutcome> {
  return call<ReceiptOutcome>("issue_cash_receipt", { merchantUid, ask });
}

/** Cancels an order's cash receipt. */
export function cancelCashReceipt(merchantUid: string): Promise<ReceiptOutcome> {
  return call<ReceiptOutcome>("cancel_cash_receipt", { merchantUid });
}

/** 업데이트 확인: the version running and the newer one on Panmusic's update host, if any. */
export function checkForUpdate(): Promise<UpdateCheck> {
  return call<UpdateCheck>("check_for_update");
}

/** Downloads the offered `version` and checks its signature (progress as `update-progress` events). */
export function downloadUpdate(version: string): Promise<UpdateOffer> {
  return call<UpdateOffer>("download_update", { version });
}

/** Installs the downloaded, verified `version` and restarts the app (guarded). */
export function installUpdate(version: string, pin: OwnerPin = null): Promise<void> {
  return call<void>("install_update", { version, pin });
}
