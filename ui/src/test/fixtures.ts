import type { AppStatus } from "../bindings/AppStatus";
import type { Plan } from "../bindings/Plan";

export const PLANS: Plan[] = [
  { id: "pass_1m", kind: "pass", nameKo: "1개월 이용권", nameEn: "1-month pass", price: 9900, months: 1 },
  { id: "pass_3m", kind: "pass", nameKo: "3개월 이용권", nameEn: "3-month pass", price: 27000, months: 3 },
  {
    id: "sub_monthly",
    kind: "subscription",
    nameKo: "월 정기결제",
    nameEn: "Monthly subscription",
    price: 9900,
    months: 1,
  },
];

export function sandboxStatus(overrides: Partial<AppStatus> = {}): AppStatus {
  return {
    mode: "sandbox",
    sandbox: { baseUrl: "http://127.0.0.1:40000", sdkUrl: "http://127.0.0.1:40000/sdk/iamport.js" },
    sdkUrl: "http://127.0.0.1:40000/sdk/iamport.js",
    online: true,
    queue: { pending: 0, oldestDueAt: null, needsAttention: 0 },
    settingsProblem: null,
    storeProblem: null,
    modeHeld: false,
    dataDir: "/home/owner/.local/share/kr.panmusic.pos",
    ...overrides,
  };
}
