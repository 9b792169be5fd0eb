import type { Settings } from "../bindings/Settings";
import type { SettingsView } from "../bindings/SettingsView";

export function defaultSettings(overrides: Partial<Settings> = {}): Settings {
  return {
    mode: "sandbox",
    merchantCode: null,
    channels: { card: null, vbank: null, phone: null, billing: null },
    storeName: "",
    accountId: null,
    businessNumber: null,
    autoCashReceipt: false,
    buyer: { name: null, tel: null, email: null },
    poll: { sweepSecs: 300 },
    ...overrides,
  };
}

export function settingsView(overrides: Partial<SettingsView> = {}): SettingsView {
  return { settings: defaultSettings(), credentialsSet: false, problem: null, ...overrides };
}
