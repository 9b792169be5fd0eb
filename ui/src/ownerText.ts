// Rust's messages as the owner reads them. Messages from the domain crates are Korean first, some
// with an English gloss for logs in parentheses, a particle pair such as 을(를) after a value that
// is only known at run time, or a state's code name. The owner gets Korean only: the gloss is
// dropped, the particle chosen by the word before it, and a state code named in words.
import type { OrderState } from "./bindings/OrderState";
import type { SubscriptionState } from "./bindings/SubscriptionState";

const ORDER_STATES: Record<OrderState, string> = {
  created: "생성됨",
  awaiting_payment: "결제 대기",
  vbank_issued: "입금 대기",
  paid: "결제 완료",
  failed: "결제 실패",
  abandoned: "미결제 종료",
  partially_refunded: "부분 환불",
  refunded: "환불 완료",
  amount_mismatch: "금액 불일치",
};

const SUBSCRIPTION_STATES: Record<SubscriptionState, string> = {
  incomplete: "카드 등록 중",
  active: "이용 중",
  past_due: "결제 재시도 중",
  unpaid: "미납",
  cancelled: "해지됨",
};

const STATE_WORDS: Record<string, string> = { ...SUBSCRIPTION_STATES, ...ORDER_STATES };

/** Whether the sound before a particle ends in a consonant, and whether that consonant is ㄹ. */
function finalSound(before: string): "vowel" | "rieul" | "consonant" {
  const last = before.replace(/['"’”)\]\s.]+$/, "").slice(-1);
  if (!last) return "vowel";
  const code = last.charCodeAt(0);
  if (code >= 0xac00 && code <= 0xd7a3) {
    const jong = (code - 0xac00) % 28;
    return jong === 0 ? "vowel" : jong === 8 ? "rieul" : "consonant";
  }
  // Digits and Latin letters as Koreans read them: 영 일 이 삼 사 오 육 칠 팔 구; 엘 엠 엔 알.
  const digit = "0123456789".indexOf(last);
  if (digit >= 0) return (["consonant", "rieul", "vowel", "consonant", "vowel", "vowel", "consonant", "rieul", "rieul", "vowel"] as const)[digit] ?? "vowel";
  const upper = last.toUpperCase();
  if (upper === "L" || upper === "R") return "rieul";
  if (upper === "M" || upper === "N") return "consonant";
  return "vowel";
}

const PAIRS: Record<string, [string, string]> = {
  "을(를)": ["을", "를"],
  "이(가)": ["이", "가"],
  "은(는)": ["은", "는"],
  "과(와)": ["과", "와"],
};

/** `주문 'order_1'을(를)` -> `주문 'order_1'을`: each particle pair resolved by the sound before it. */
export function resolveParticles(text: string): string {
  let out = text.replace(/(을\(를\)|이\(가\)|은\(는\)|과\(와\))/g, (pair, _p, offset: number) => {
    const [consonant, vowel] = PAIRS[pair] ?? [pair, pair];
    return finalSound(text.slice(0, offset)) === "vowel" ? vowel : consonant;
  });
  out = out.replace(/\(으\)로/g, (_m, offset: number) => (finalSound(out.slice(0, offset)) === "consonant" ? "으로" : "로"));
  return out;
}

/** Drops a parenthesised gloss with no Korean in it, e.g. ` (unknown order)` or `(Checking status)`. */
export function dropEnglishGloss(text: string): string {
  return text.replace(/\s*\((?=[^()]*[A-Za-z]{3})[^()가-힣]*\)/g, "").trim();
}

/** `상태(paid)` -> `상태(결제 완료)`: a state's code name in words. */
export function nameStates(text: string): string {
  return text.replace(/([('"])([a-z_]+)([)'"])/g, (whole, open: string, code: string, close: string) =>
    code in STATE_WORDS ? `${open}${STATE_WORDS[code]}${close}` : whole,
  );
}

/** A message from Rust as the owner reads it: Korean only, particles resolved, states in words. */
export function ownerText(message: string): string {
  return resolveParticles(dropEnglishGloss(nameStates(message)));
}
