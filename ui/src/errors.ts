// What the owner sees for each error code that crosses IPC: the Korean message from Rust says what
// went wrong; the hint here says what the owner can do about it.
import type { ErrorCode } from "./bindings/ErrorCode";

export interface ErrorAdvice {
  /** A short Korean title. */
  title: string;
  /** What the owner can do next, in Korean. */
  action: string;
}

const ADVICE: Record<ErrorCode, ErrorAdvice> = {
  validation: {
    title: "입력한 내용을 확인해 주세요",
    action: "안내에 따라 입력한 내용을 고친 뒤 다시 시도해 주세요.",
  },
  not_found: {
    title: "찾을 수 없습니다",
    action: "목록을 새로 고친 뒤 다시 선택해 주세요.",
  },
  conflict: {
    title: "지금 상태에서는 할 수 없는 작업입니다",
    action: "화면을 새로 고쳐 최신 상태를 확인해 주세요.",
  },
  offline: {
    title: "아임포트에 연결할 수 없습니다",
    action: "인터넷 연결을 확인한 뒤 다시 시도해 주세요.",
  },
  declined: {
    title: "요청이 거절되었습니다",
    action: "입력한 정보나 결제 수단을 확인한 뒤 다시 시도해 주세요.",
  },
  outcome_unknown: {
    title: "결과를 아직 확인하지 못했습니다",
    action: "같은 작업을 다시 하지 마세요. 앱이 결과를 자동으로 확인합니다.",
  },
  pin: {
    title: "관리자 PIN이 필요합니다",
    action: "관리자가 PIN을 입력해야 할 수 있는 작업입니다. PIN을 잊었다면 이 컴퓨터에서 posctl pin reset으로 초기화해 주세요.",
  },
  internal: {
    title: "예상하지 못한 오류가 발생했습니다",
    action: "앱을 다시 시작해 보세요. 계속되면 판뮤직 고객센터에 문의해 주세요.",
  },
};

/** What to do after a refused save: the same advice, said for a save. */
export const SAVE_AGAIN = "안내에 따라 항목을 고친 뒤 다시 저장해 주세요.";

export function adviceFor(code: ErrorCode): ErrorAdvice {
  return ADVICE[code] ?? ADVICE.internal;
}
