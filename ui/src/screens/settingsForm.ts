// The settings form holds plain strings (what the inputs show); these two functions convert
// between it and the Settings type generated from Rust. Rust validates on save; `fieldErrors`
// repeats its rules so each problem is shown next to its own field before anything is sent.
import type { Connection } from "../bindings/Connection";
import type { Settings } from "../bindings/Settings";
import { EMAIL_ERROR, isEmail, isKoreanTel, TEL_ERROR } from "../contact";

export interface SettingsForm {
  storeName: string;
  /** The shop's Panmusic account id (판뮤직 계정 ID). */
  accountId: string;
  businessNumber: string;
  /** Issue a 현금영수증 (지출증빙) automatically when a non-card payment is verified. */
  autoCashReceipt: boolean;
  buyerName: string;
  buyerTel: string;
  buyerEmail: string;
  /** 직접 연결 / 중계 서버 / 테스트 (the first two are live mode). */
  connection: Connection;
  relayUrl: string;
  relayPrefix: string;
  merchantCode: string;
  channelCard: string;
  channelVbank: string;
  channelPhone: string;
  channelBilling: string;
}

export function toForm(settings: Settings): SettingsForm {
  return {
    storeName: settings.storeName,
    accountId: settings.accountId ?? "",
    businessNumber: settings.businessNumber ?? "",
    autoCashReceipt: settings.autoCashReceipt,
    buyerName: settings.buyer.name ?? "",
    buyerTel: settings.buyer.tel ?? "",
    buyerEmail: settings.buyer.email ?? "",
    connection: settings.mode === "sandbox" ? "sandbox" : settings.relay ? "relay" : "direct",
    relayUrl: settings.relay?.url ?? "",
    relayPrefix: settings.relay?.uidPrefix ?? "",
    merchantCode: settings.merchantCode ?? "",
    channelCard: settings.channels.card ?? "",
    channelVbank: settings.channels.vbank ?? "",
    channelPhone: settings.channels.phone ?? "",
    channelBilling: settings.channels.billing ?? "",
  };
}

const orNull = (text: string): string | null => (text.trim() === "" ? null : text.trim());

/** The form applied over `base`, so fields this screen does not show are kept as saved. */
export function fromForm(form: SettingsForm, base: Settings): Settings {
  return {
    ...base,
    storeName: form.storeName.trim(),
    accountId: orNull(form.accountId),
    businessNumber: orNull(form.businessNumber),
    autoCashReceipt: form.autoCashReceipt,
    buyer: {
      ...base.buyer,
      name: orNull(form.buyerName),
      tel: orNull(form.buyerTel),
      email: orNull(form.buyerEmail),
    },
    mode: form.connection === "sandbox" ? "sandbox" : "live",
    // 테스트 keeps a relay as saved (it is ignored in sandbox mode); 직접 연결 drops it.
    relay:
      form.connection === "relay"
        ? { url: form.relayUrl.trim(), uidPrefix: form.relayPrefix.trim() }
        : form.connection === "direct"
          ? undefined
          : base.relay,
    merchantCode: orNull(form.merchantCode),
    channels: {
      ...base.channels,
      card: orNull(form.channelCard),
      vbank: orNull(form.channelVbank),
      phone: orNull(form.channelPhone),
      billing: orNull(form.channelBilling),
    },
  };
}

/** The form's fields that can be wrong. */
export type FieldErrors = Partial<Record<keyof SettingsForm, string>>;

/** Rust's `STORE_NAME_MAX_CHARS`. */
const STORE_NAME_MAX = 50;

const telOk = isKoreanTel;
const emailOk = isEmail;

/** Rust's `validate_account_id`: ASCII letters, digits, `-_.@`, 1 to 64 characters. */
const accountIdOk = (id: string) => /^[A-Za-z0-9_.@-]{1,64}$/.test(id);

const channelOk = (value: string) => value.length <= 100 && !/\s/.test(value);

/** Whether `text` is a 사업자등록번호 with a right check digit (Rust's `business_number_digits`). */
export function businessNumberOk(text: string): boolean {
  if (!/^[0-9-]+$/.test(text)) return false;
  const d = [...text].filter((c) => c >= "0" && c <= "9").map(Number);
  if (d.length !== 10) return false;
  const weights = [1, 3, 7, 1, 3, 7, 1, 3, 5];
  const at = (i: number) => d[i] ?? 0;
  const sum = weights.reduce((acc, w, i) => acc + w * at(i), 0) + Math.floor((at(8) * 5) / 10);
  return (10 - (sum % 10)) % 10 === at(9);
}

/** What is wrong with each field, by the same rules as Rust's `Settings::validate` (Korean). */
export function fieldErrors(form: SettingsForm): FieldErrors {
  const errors: FieldErrors = {};
  const t = (v: string) => v.trim();
  if ([...t(form.storeName)].length > STORE_NAME_MAX) errors.storeName = `매장 이름은 ${STORE_NAME_MAX}자 이하로 입력해 주세요.`;
  if (t(form.accountId) && !accountIdOk(t(form.accountId))) {
    errors.accountId = "판뮤직 계정 ID는 영문·숫자·-_.@ 1~64자입니다. 판뮤직에서 받은 값을 그대로 입력하세요.";
  }
  const business = t(form.businessNumber);
  if (business && (!/^[0-9-]+$/.test(business) || (business.match(/[0-9]/g)?.length ?? 0) !== 10)) {
    errors.businessNumber = "사업자등록번호는 숫자 10자리입니다 (예: 123-45-67891).";
  } else if (business && !businessNumberOk(business)) {
    errors.businessNumber = "사업자등록번호의 마지막 자리(검증 번호)가 맞지 않습니다. 사업자등록증의 번호를 다시 확인해 주세요.";
  }
  if ([...t(form.buyerName)].length > 50) errors.buyerName = "이름은 50자 이하로 입력해 주세요.";
  if (t(form.buyerTel) && !telOk(t(form.buyerTel))) errors.buyerTel = TEL_ERROR;
  if (t(form.buyerEmail) && !emailOk(t(form.buyerEmail))) errors.buyerEmail = EMAIL_ERROR;
  const code = t(form.merchantCode);
  if (code && !/^imp[0-9]{8}$/.test(code)) errors.merchantCode = "가맹점 식별코드는 'imp'와 숫자 8자리입니다 (예: imp12345678).";
  if (!code && form.connection !== "sandbox") errors.merchantCode = "실제 결제 모드에는 가맹점 식별코드가 필요합니다.";
  for (const key of ["channelCard", "channelVbank", "channelPhone", "channelBilling"] as const) {
    if (!channelOk(t(form[key]))) errors[key] = "채널 값은 공백 없이 100자 이하로 입력해 주세요.";
  }
  return errors;
}
