import { useEffect, useState } from "react";
import type { Buyer } from "../../bindings/Buyer";
import { Field } from "../../components/Field";
import { EMAIL_ERROR, isEmail, isKoreanTel, TEL_ERROR } from "../../contact";
import { getSettings } from "../../ipc";

/** The buyer's details as the inputs hold them. */
export interface BuyerForm {
  name: string;
  tel: string;
  email: string;
}

export const EMPTY_BUYER: BuyerForm = { name: "", tel: "", email: "" };

/** What is wrong with each field (Korean), by the rules Rust applies again. */
export function buyerErrors(form: BuyerForm): Partial<Record<keyof BuyerForm, string>> {
  const errors: Partial<Record<keyof BuyerForm, string>> = {};
  if ([...form.name.trim()].length > 50) errors.name = "이름은 50자 이하로 입력해 주세요.";
  if (form.tel.trim() && !isKoreanTel(form.tel)) errors.tel = TEL_ERROR;
  if (form.email.trim() && !isEmail(form.email.trim())) errors.email = EMAIL_ERROR;
  return errors;
}

/** The form as the command's `buyer` (blanks as null), or undefined when everything is blank. */
export function toBuyer(form: BuyerForm): Buyer | undefined {
  const v = (s: string) => (s.trim() === "" ? null : s.trim());
  const buyer = { name: v(form.name), tel: v(form.tel), email: v(form.email) };
  return buyer.name || buyer.tel || buyer.email ? buyer : undefined;
}

/** Loads the settings' default buyer once, for the checkout to prefill its fields. */
export function useBuyerDefaults(set: (form: BuyerForm) => void) {
  const [loaded, setLoaded] = useState(false);
  useEffect(() => {
    let live = true;
    getSettings().then(
      (view) => {
        if (!live) return;
        const b = view.settings.buyer;
        set({ name: b.name ?? "", tel: b.tel ?? "", email: b.email ?? "" });
        setLoaded(true);
      },
      () => live && setLoaded(true),
    );
    return () => {
      live = false;
    };
    // Prefilled once, when the screen opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return loaded;
}

interface BuyerFieldsProps {
  form: BuyerForm;
  onChange: (form: BuyerForm) => void;
  errors: Partial<Record<keyof BuyerForm, string>>;
}

/** 구매자 정보: prefilled from 설정, editable for this sale, sent as the payment's buyer_*. */
export function BuyerFields({ form, onChange, errors }: BuyerFieldsProps) {
  return (
    <fieldset>
      <legend>구매자 정보 (Buyer)</legend>
      <p className="hint muted">설정의 기본값이 채워져 있습니다. 이번 결제만 바꿀 수 있습니다.</p>
      <Field
        label="이름"
        value={form.name}
        onChange={(name) => onChange({ ...form, name })}
        testId="checkout-buyer-name"
        error={errors.name}
      />
      <Field
        label="전화번호"
        type="tel"
        value={form.tel}
        onChange={(tel) => onChange({ ...form, tel })}
        testId="checkout-buyer-tel"
        placeholder="010-1234-5678"
        error={errors.tel}
      />
      <Field
        label="이메일"
        type="email"
        value={form.email}
        onChange={(email) => onChange({ ...form, email })}
        testId="checkout-buyer-email"
        placeholder="owner@example.com"
        error={errors.email}
      />
    </fieldset>
  );
}
