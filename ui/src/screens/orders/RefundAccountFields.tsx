import { useEffect, useState } from "react";
import type { Bank } from "../../bindings/Bank";
import type { BankSource } from "../../bindings/BankSource";
import type { RefundAccount } from "../../bindings/RefundAccount";
import { Field } from "../../components/Field";
import { SelectField } from "../../components/SelectField";
import { refundBanks } from "../../ipc";

/** The account number's shape, for the hint only (Rust checks it again): 10–16 digits, single dashes between. */
export function accountNumberProblem(number: string): string | undefined {
  const typed = number.trim();
  if (typed === "") return undefined;
  const digits = typed.replace(/-/g, "");
  if (!/^\d+(-\d+)*$/.test(typed) || digits.length < 10 || digits.length > 16) {
    return "숫자 10~16자리로 입력해 주세요 (숫자 사이 대시 허용).";
  }
  return undefined;
}

/** Whether the three fields are filled in a shape Rust will accept (Rust decides). */
export function accountReady(account: RefundAccount): boolean {
  return account.bank !== "" && account.number.trim() !== "" && accountNumberProblem(account.number) === undefined && account.holder.trim() !== "";
}

const SOURCE_NOTE: Record<BankSource, string | null> = {
  iamport: null,
  cached: "아임포트에 연결할 수 없어 마지막으로 받은 은행 목록을 보여 줍니다.",
  built_in: "아임포트에 연결할 수 없어 앱에 내장된 은행 목록을 보여 줍니다.",
};

interface RefundAccountFieldsProps {
  value: RefundAccount;
  onChange: (account: RefundAccount) => void;
}

/**
 * The buyer's refund account for a virtual-account refund: the bank picked from Iamport's list
 * (its standard code is what is sent, never a typed name), the account number and the holder.
 */
export function RefundAccountFields({ value, onChange }: RefundAccountFieldsProps) {
  const [banks, setBanks] = useState<Bank[]>([]);
  const [source, setSource] = useState<BankSource | null>(null);
  useEffect(() => {
    let live = true;
    refundBanks()
      .then((list) => {
        if (!live) return;
        setBanks(list.banks);
        setSource(list.source);
      })
      .catch(() => {
        if (live) setSource(null);
      });
    return () => {
      live = false;
    };
  }, []);
  const note = source ? SOURCE_NOTE[source] : null;
  return (
    <>
      <p className="hint">가상계좌 결제는 환불받을 계좌가 필요합니다.</p>
      <SelectField
        label="은행"
        testId="refund-bank"
        value={value.bank}
        onChange={(bank) => onChange({ ...value, bank })}
        options={[
          { value: "", label: banks.length === 0 ? "은행 목록을 불러오는 중…" : "은행을 고르세요" },
          ...banks.map((bank) => ({ value: bank.code, label: bank.name })),
        ]}
        hint={note}
        hintTestId="refund-bank-source"
      />
      <Field
        label="계좌번호"
        value={value.number}
        onChange={(number) => onChange({ ...value, number })}
        testId="refund-account-number"
        inputMode="numeric"
        error={accountNumberProblem(value.number)}
      />
      <Field label="예금주" value={value.holder} onChange={(holder) => onChange({ ...value, holder })} testId="refund-holder" maxLength={30} />
    </>
  );
}
