// Shape checks for contact details, the same rules as Rust's `pos_core::contact` (Rust checks
// again on save; these show each problem next to its field before anything is sent).

function isKoreanNumber(d: string): boolean {
  const len = d.length;
  const p3 = d.slice(0, 3);
  if (p3 === "010" || p3 === "070") return len === 11;
  if (["011", "016", "017", "018", "019"].includes(p3)) return len === 10 || len === 11;
  if (d.startsWith("02")) return len === 9 || len === 10;
  if (d.startsWith("050") && len >= 4) return len === 11 || len === 12;
  const area = Number(p3);
  if (d.startsWith("0") && area >= 31 && area <= 64 && area % 10 !== 0 && area % 10 <= 5) {
    return len === 10 || len === 11;
  }
  return ["15", "16", "18"].includes(d.slice(0, 2)) && len === 8;
}

/**
 * A Korean phone number (010-1234-5678, 02-123-4567, 031-123-4567, 070-…, 0505-…, 1588-1234),
 * with or without `-`/spaces, or `+82 10 …`.
 */
export function isKoreanTel(raw: string): boolean {
  const tel = raw.trim();
  if (!/^[0-9 +-]+$/.test(tel) || tel.slice(1).includes("+") || tel.includes("--")) return false;
  if (tel.startsWith("-") || tel.endsWith("-")) return false;
  const digits = tel.replace(/[^0-9]/g, "");
  if (tel.startsWith("+")) {
    if (!digits.startsWith("82") || digits.startsWith("820")) return false;
    return isKoreanNumber(`0${digits.slice(2)}`);
  }
  return isKoreanNumber(digits);
}

/** An e-mail address of plausible shape (`user@domain.tld`, no spaces, at most 100 characters). */
export function isEmail(email: string): boolean {
  const at = email.indexOf("@");
  if (email.length > 100 || /\s/.test(email) || at <= 0) return false;
  const domain = email.slice(at + 1);
  return !domain.includes("@") && domain.includes(".");
}

/** The Korean message for a phone number that is not one. */
export const TEL_ERROR = "국내 전화번호 형식이 아닙니다 (예: 010-1234-5678, 02-123-4567).";
/** The Korean message for an e-mail address that is not one. */
export const EMAIL_ERROR = "이메일 주소 형식이 아닙니다 (예: owner@example.com).";
