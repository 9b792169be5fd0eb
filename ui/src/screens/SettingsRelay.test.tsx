import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import type { Settings } from "../bindings/Settings";
import { fakeBackend, invokeMock } from "../test/fakeBackend";
import { defaultSettings, settingsView } from "../test/fixtures-settings";
import { SettingsScreen } from "./SettingsScreen";

beforeEach(() => {
  invokeMock.mockReset();
});

function savedSettings(): Settings {
  const call = invokeMock.mock.calls.find(([command]) => command === "save_settings");
  return (call?.[1] as { settings: Settings }).settings;
}

describe("SettingsScreen: 중계 서버", () => {
  it("saves the relay choice as live mode with the relay's URL and uid prefix", async () => {
    fakeBackend({
      get_settings: () => settingsView(),
      save_settings: (args) => settingsView({ settings: (args as { settings: Settings }).settings }),
    });
    const user = userEvent.setup();
    render(<SettingsScreen />);
    await user.click(await screen.findByTestId("settings-mode-relay"));
    await user.type(screen.getByTestId("settings-relay-url"), " https://relay.panmusic.kr ");
    await user.type(screen.getByTestId("settings-relay-prefix"), "ab12_");
    // Live mode needs the merchant code (Rust's rule, checked on screen before saving).
    await user.type(screen.getByTestId("settings-merchant-code"), "imp12345678");
    await user.click(screen.getByTestId("settings-save"));
    await screen.findByTestId("settings-saved");
    expect(savedSettings().mode).toBe("live");
    expect(savedSettings().relay).toEqual({ url: "https://relay.panmusic.kr", uidPrefix: "ab12_" });
  });

  it("drops the relay when 직접 연결 is chosen", async () => {
    const relay = { url: "https://relay.panmusic.kr", uidPrefix: "ab12_" };
    fakeBackend({
      get_settings: () => settingsView({ settings: defaultSettings({ mode: "live", merchantCode: "imp12345678", relay }) }),
      save_settings: (args) => settingsView({ settings: (args as { settings: Settings }).settings }),
    });
    const user = userEvent.setup();
    render(<SettingsScreen />);
    expect(await screen.findByTestId("settings-mode-relay")).toBeChecked();
    await user.click(screen.getByTestId("settings-mode-live"));
    await user.click(screen.getByTestId("settings-save"));
    await screen.findByTestId("settings-saved");
    expect(savedSettings().mode).toBe("live");
    expect(savedSettings().relay).toBeUndefined();
  });

  it("stores the relay store key write-only, in the relay's secrets entry", async () => {
    fakeBackend({
      get_settings: () =>
        settingsView({
          settings: defaultSettings({ mode: "live", relay: { url: "https://relay.panmusic.kr", uidPrefix: "ab12_" } }),
          relayCredentialsSet: false,
        }),
      set_credentials: () => ({ set: true }),
    });
    const user = userEvent.setup();
    render(<SettingsScreen />);
    expect(await screen.findByTestId("settings-relay-credentials-status")).toHaveTextContent("미설정");
    await user.type(screen.getByTestId("settings-relay-key"), "store-key");
    await user.type(screen.getByTestId("settings-relay-secret"), "store-secret");
    await user.click(screen.getByTestId("settings-relay-credentials-save"));
    expect(await screen.findByTestId("settings-relay-credentials-saved")).toBeInTheDocument();
    expect(screen.getByTestId("settings-relay-credentials-status")).toHaveTextContent("설정됨");
    expect(screen.getByTestId("settings-relay-secret")).toHaveValue("");
    expect(invokeMock).toHaveBeenCalledWith("set_credentials", {
      credentials: { impKey: "store-key", impSecret: "store-secret" },
      pin: null,
      relay: true,
    });
  });
});
