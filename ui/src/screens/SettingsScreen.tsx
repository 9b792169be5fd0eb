import { ownerText } from "../ownerText";
import { useState, type FormEvent } from "react";
import type { Settings } from "../bindings/Settings";
import type { SettingsView } from "../bindings/SettingsView";
import { ErrorNotice } from "../components/ErrorNotice";
import { Choice } from "../components/Choice";
import { Field } from "../components/Field";
import { CommandError, getSettings, saveSettings, toCommandError } from "../ipc";
import { useCommand } from "../useCommand";
import { usePinGuard } from "../usePinGuard";
import { CredentialsSection } from "./CredentialsSection";
import { SandboxDataSection } from "./SandboxDataSection";
import { StorePcSection } from "./StorePcSection";
import { UpdatesSection } from "./UpdatesSection";
import { OwnerPinSection } from "./pin/OwnerPinSection";
import { fieldErrors, fromForm, toForm, type SettingsForm } from "./settingsForm";
import { Button } from "../components/Button";
import { Loading } from "../components/States";
import { SAVE_AGAIN } from "../errors";

/** The input of each field that can be wrong, to move focus to the first problem. */
const FIELD_TEST_IDS: Record<keyof SettingsForm, string> = {
  storeName: "settings-store-name",
  accountId: "settings-account-id",
  businessNumber: "settings-business-number",
  buyerName: "settings-buyer-name",
  buyerTel: "settings-buyer-tel",
  buyerEmail: "settings-buyer-email",
  connection: "settings-mode-live",
  relayUrl: "settings-relay-url",
  relayPrefix: "settings-relay-prefix",
  merchantCode: "settings-merchant-code",
  channelCard: "settings-channel-card",
  channelVbank: "settings-channel-vbank",
  channelPhone: "settings-channel-phone",
  channelBilling: "settings-channel-billing",
  autoCashReceipt: "settings-auto-cash-receipt",
};

interface SettingsScreenProps {
  /** Called after a successful save (the status bar refreshes: the mode may have changed). */
  onSaved?: () => void;
}

/** 설정: store details, buyer defaults, mode, Iamport merchant code and channels, REST credentials. */
export function SettingsScreen({ onSaved }: SettingsScreenProps) {
  const [loaded, reload] = useCommand(getSettings);

  return (
    <section className="screen" aria-labelledby="settings-title">
      <h1 id="settings-title">
        설정 <span className="en">Settings</span>
      </h1>
      {loaded.status === "loading" && <Loading what="설정을" />}
      {loaded.status === "error" && (
        <>
          <ErrorNotice error={loaded.error} testId="settings-load-error" />
          <Button onClick={reload}>
            다시 시도
          </Button>
        </>
      )}
      {loaded.status === "ok" && <SettingsEditor view={loaded.data} onSaved={onSaved} />}
    </section>
  );
}

function SettingsEditor({ view, onSaved }: { view: SettingsView; onSaved?: () => void }) {
  const [saved, setSaved] = useState<Settings>(view.settings);
  const [form, setForm] = useState<SettingsForm>(() => toForm(view.settings));
  const [problem, setProblem] = useState(view.problem);
  const [credentialsSet, setCredentialsSet] = useState(view.credentialsSet);
  const [relayCredentialsSet, setRelayCredentialsSet] = useState(view.relayCredentialsSet ?? false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<CommandError | null>(null);
  const [justSaved, setJustSaved] = useState(false);
  const { guard, dialog } = usePinGuard();
  // Field errors show once a save was tried, and each clears as soon as its field is right.
  const [checked, setChecked] = useState(false);
  const errors = checked ? fieldErrors(form) : {};
  // What the failed save means for the owner (the mode stays as it was saved).
  const [errorAction, setErrorAction] = useState<string | undefined>(undefined);

  const update = (patch: Partial<SettingsForm>) => {
    setJustSaved(false);
    setError(null);
    setForm((current) => ({ ...current, ...patch }));
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    setChecked(true);
    const problems = Object.keys(fieldErrors(form)) as (keyof SettingsForm)[];
    const first = (Object.keys(FIELD_TEST_IDS) as (keyof SettingsForm)[]).find((key) => problems.includes(key));
    if (first) {
      setError(null);
      setJustSaved(false);
      document.querySelector<HTMLElement>(`[data-testid="${FIELD_TEST_IDS[first]}"]`)?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const done = await guard("설정 변경", (pin) => saveSettings(fromForm(form, saved), pin));
      if (!done) return;
      const next = done.value;
      setSaved(next.settings);
      setForm(toForm(next.settings));
      setProblem(next.problem);
      setCredentialsSet(next.credentialsSet);
      setRelayCredentialsSet(next.relayCredentialsSet ?? false);
      setJustSaved(true);
      onSaved?.();
    } catch (reason) {
      const failed = toCommandError(reason);
      const savedConnection = toForm(saved).connection;
      const modeName = savedConnection === "sandbox" ? "테스트 (SANDBOX)" : "실제 결제";
      if (form.connection !== savedConnection) {
        // Nothing was saved: the radio goes back to the mode the app still runs in.
        setForm((current) => ({ ...current, connection: savedConnection }));
      }
      setErrorAction(`설정은 저장되지 않았습니다. 결제 모드는 ${modeName} 그대로입니다.`);
      setError(failed);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      {problem && (
        <div className="notice error" role="alert" data-testid="settings-problem">
          <strong>설정 파일을 읽지 못해 기본값을 표시하고 있습니다</strong>
          <p>{ownerText(problem)}</p>
          <p className="hint">
            원래 파일은 그대로 두었습니다. 값을 확인한 뒤 저장하면 새 설정으로 바뀌고, 원래 파일은
            settings.json.broken으로 보관됩니다.
          </p>
        </div>
      )}
      <form className="form" onSubmit={submit} aria-label="설정" noValidate>
        <fieldset>
          <legend>
            매장 정보 <span className="en">Store</span>
          </legend>
          <Field
            label="매장 이름"
            value={form.storeName}
            onChange={(storeName) => update({ storeName })}
            testId="settings-store-name"
            error={errors.storeName}
            placeholder="예: 행복한 카페"
          />
          <Field
            label="판뮤직 계정 ID"
            value={form.accountId}
            onChange={(accountId) => update({ accountId })}
            testId="settings-account-id"
            error={errors.accountId}
            placeholder="예: pm-1001"
            hint="모든 결제에 이 계정이 담겨 판뮤직이 음악 이용을 열어 줍니다."
          />
          <Field
            label="사업자등록번호"
            value={form.businessNumber}
            onChange={(businessNumber) => update({ businessNumber })}
            testId="settings-business-number"
            error={errors.businessNumber}
            placeholder="000-00-00000"
          />
          <Choice
            checked={form.autoCashReceipt}
            onChange={(autoCashReceipt) => update({ autoCashReceipt })}
            testId="settings-auto-cash-receipt"
          >
            가상계좌·계좌이체·휴대폰 결제가 확인되면 현금영수증(지출증빙)을 사업자등록번호로 자동 발급
          </Choice>
        </fieldset>

        <fieldset>
          <legend>
            구매자 기본값 <span className="en">Buyer defaults</span>
          </legend>
          <p className="hint muted">결제 창에 미리 채워지는 구매자 정보입니다.</p>
          <Field
            label="이름"
            value={form.buyerName}
            onChange={(buyerName) => update({ buyerName })}
            testId="settings-buyer-name"
            error={errors.buyerName}
          />
          <Field
            label="전화번호"
            type="tel"
            value={form.buyerTel}
            onChange={(buyerTel) => update({ buyerTel })}
            testId="settings-buyer-tel"
            error={errors.buyerTel}
            placeholder="010-0000-0000"
          />
          <Field
            label="이메일"
            type="email"
            value={form.buyerEmail}
            onChange={(buyerEmail) => update({ buyerEmail })}
            testId="settings-buyer-email"
            error={errors.buyerEmail}
          />
        </fieldset>

        <fieldset>
          <legend>
            결제 모드 <span className="en">Mode</span>
          </legend>
          <div className="radio-row" role="radiogroup" aria-label="결제 모드">
            <Choice type="radio" name="mode" checked={form.connection === "sandbox"} onChange={() => update({ connection: "sandbox" })} testId="settings-mode-sandbox">
              테스트 (SANDBOX)
            </Choice>
            <Choice type="radio" name="mode" checked={form.connection === "direct"} onChange={() => update({ connection: "direct" })} testId="settings-mode-live">
              실제 결제 · 직접 연결
            </Choice>
            <Choice type="radio" name="mode" checked={form.connection === "relay"} onChange={() => update({ connection: "relay" })} testId="settings-mode-relay">
              실제 결제 · 중계 서버
            </Choice>
          </div>
          <p className="hint muted">
            실제 결제로 바꾸려면 가맹점 식별코드와, 직접 연결은 REST API 키, 중계 서버는 판뮤직에서
            받은 매장 키가 필요합니다. 저장할 때 키를 확인합니다.
          </p>
          {form.connection === "relay" && (
            <>
              <Field
                label="중계 서버 주소"
                value={form.relayUrl}
                onChange={(relayUrl) => update({ relayUrl })}
                testId="settings-relay-url"
                placeholder="https://relay.panmusic.kr"
              />
              <Field
                label="매장 구분 접두어"
                value={form.relayPrefix}
                onChange={(relayPrefix) => update({ relayPrefix })}
                testId="settings-relay-prefix"
                placeholder="ab12_"
                hint="중계 서버에서 매장 키와 함께 받은 값 (예: ab12_)"
              />
            </>
          )}
        </fieldset>

        <fieldset>
          <legend>
            아임포트 연결 <span className="en">Iamport</span>
          </legend>
          <Field
            label="가맹점 식별코드"
            value={form.merchantCode}
            onChange={(merchantCode) => update({ merchantCode })}
            testId="settings-merchant-code"
            error={errors.merchantCode}
            placeholder="imp12345678"
            hint="imp로 시작하는 8자리 숫자 코드 (관리자 콘솔 > 내 식별코드)"
          />
          <Field
            label="카드 결제 채널 키"
            value={form.channelCard}
            onChange={(channelCard) => update({ channelCard })}
            testId="settings-channel-card"
            error={errors.channelCard}
          />
          <Field
            label="가상계좌 채널 키"
            value={form.channelVbank}
            onChange={(channelVbank) => update({ channelVbank })}
            testId="settings-channel-vbank"
            error={errors.channelVbank}
          />
          <Field
            label="휴대폰 결제 채널 키"
            value={form.channelPhone}
            onChange={(channelPhone) => update({ channelPhone })}
            testId="settings-channel-phone"
            error={errors.channelPhone}
          />
          <Field
            label="정기결제 채널 키"
            value={form.channelBilling}
            onChange={(channelBilling) => update({ channelBilling })}
            testId="settings-channel-billing"
            error={errors.channelBilling}
            hint="정기결제(카드 등록·자동 결제)에 쓰는 PG 채널입니다. 비워 두면 아임포트의 기본 PG를 씁니다."
          />
        </fieldset>

        {error && <ErrorNotice error={error} testId="settings-error" action={errorAction ?? (error.code === "validation" ? SAVE_AGAIN : undefined)} />}
        {justSaved && (
          <p className="notice ok" role="status" data-testid="settings-saved">
            설정을 저장했습니다.
          </p>
        )}
        <div className="actions">
          <Button type="submit" variant="primary" disabled={busy} data-testid="settings-save">
            {busy ? "저장 중…" : "저장"}
          </Button>
        </div>
      </form>
      <CredentialsSection isSet={credentialsSet} onSaved={setCredentialsSet} />
      {form.connection === "relay" && (
        <CredentialsSection relay isSet={relayCredentialsSet} onSaved={setRelayCredentialsSet} />
      )}
      <SandboxDataSection />
      <StorePcSection />
      <UpdatesSection />
      <OwnerPinSection />
      {dialog}
    </>
  );
}
