import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Settings } from "../bindings/Settings";
import { fakeBackend, invokeMock, ipcError } from "../test/fakeBackend";
import { defaultSettings, settingsView } from "../test/fixtures-settings";
import { fakeOwnerPin, OWNER_PIN } from "../test/fakePin";
import { SettingsScreen } from "./SettingsScreen";

beforeEach(() => {
  invokeMock.mockReset();
});

function savedSettings(): Settings {
  const call = invokeMock.mock.calls.find(([command]) => command === "save_settings");
  return (call?.[1] as { settings: Settings }).settings;
}

describe("SettingsScreen", () => {
  it("saves the store name and keeps fields it does not show", async () => {
    const base = defaultSettings({ poll: { sweepSecs: 600 } });
    fakeBackend({
      get_settings: () => settingsView({ settings: base }),
      save_settings: (args) => settingsView({ settings: (args as { settings: Settings }).settings }),
    });
    const user = userEvent.setup();
    render(<SettingsScreen />);
    await user.type(await screen.findByTestId("settings-store-name"), "행복한 카페");
    await user.click(screen.getByTestId("settings-save"));

    expect(await screen.findByTestId("settings-saved")).toHaveTextContent("저장했습니다");
    const sent = savedSettings();
    expect(sent.storeName).toBe("행복한 카페");
    expect(sent.poll.sweepSecs).toBe(600);
    expect(sent.merchantCode).toBeNull();
  });

  it("sends empty optional fields as null and trims text", async () => {
    fakeBackend({
      get_settings: () => settingsView(),
      save_settings: (args) => settingsView({ settings: (args as { settings: Settings }).settings }),
    });
    const user = userEvent.setup();
    render(<SettingsScreen />);
    await user.type(await screen.findByTestId("settings-merchant-code"), "  imp12345678 ");
    await user.click(screen.getByTestId("settings-save"));
    await screen.findByTestId("settings-saved");
    expect(savedSettings().merchantCode).toBe("imp12345678");
    expect(savedSettings().businessNumber).toBeNull();
    expect(savedSettings().channels.card).toBeNull();
  });

  it("shows Rust's Korean validation message and what to do", async () => {
    fakeBackend({
      get_settings: () => settingsView(),
      save_settings: () => {
        throw ipcError("validation", "가맹점 식별코드는 'imp'와 숫자 8자리입니다 (예: imp12345678).");
      },
    });
    const user = userEvent.setup();
    render(<SettingsScreen />);
    await user.type(await screen.findByTestId("settings-merchant-code"), "abc");
    await user.click(screen.getByTestId("settings-save"));
    const error = await screen.findByTestId("settings-error");
    expect(error).toHaveTextContent("가맹점 식별코드는 'imp'와 숫자 8자리입니다");
    expect(error).toHaveTextContent("입력한 내용을 확인해 주세요");
    expect(screen.queryByTestId("settings-saved")).not.toBeInTheDocument();
  });

  it("shows the broken-file problem until the owner saves", async () => {
    fakeBackend({
      get_settings: () => settingsView({ problem: "설정 파일이 손상되어 기본값을 사용합니다." }),
      save_settings: (args) => settingsView({ settings: (args as { settings: Settings }).settings }),
    });
    const user = userEvent.setup();
    render(<SettingsScreen />);
    expect(await screen.findByTestId("settings-problem")).toHaveTextContent("손상");
    await user.click(screen.getByTestId("settings-save"));
    await screen.findByTestId("settings-saved");
    expect(screen.queryByTestId("settings-problem")).not.toBeInTheDocument();
  });

  it("saving asks for the owner's PIN once one is set, and a wrong PIN saves nothing", async () => {
    const pin = fakeOwnerPin();
    const save = vi.fn((args: Record<string, unknown> | undefined) =>
      settingsView({ settings: (args as { settings: Settings }).settings }),
    );
    fakeBackend({ get_settings: () => settingsView(), pin_status: pin.status, save_settings: pin.guarded(save) });
    const user = userEvent.setup();
    render(<SettingsScreen />);
    await user.type(await screen.findByTestId("settings-store-name"), "행복한 카페");
    await user.click(screen.getByTestId("settings-save"));
    await user.type(await screen.findByTestId("pin-input"), "0000");
    await user.click(screen.getByTestId("pin-submit"));
    expect(await screen.findByTestId("pin-error")).toHaveTextContent("맞지 않습니다");
    expect(save).not.toHaveBeenCalled();
    await user.type(screen.getByTestId("pin-input"), OWNER_PIN);
    await user.click(screen.getByTestId("pin-submit"));
    expect(await screen.findByTestId("settings-saved")).toHaveTextContent("저장했습니다");
    expect(save).toHaveBeenCalledTimes(1);
  });

  it("treats the REST key and secret as write-only: only 설정됨/미설정 is shown", async () => {
    fakeBackend({
      get_settings: () => settingsView({ credentialsSet: false }),
      set_credentials: () => ({ set: true }),
    });
    const user = userEvent.setup();
    render(<SettingsScreen />);
    expect(await screen.findByTestId("settings-credentials-status")).toHaveTextContent("미설정");
    const secret = screen.getByTestId("settings-imp-secret");
    expect(secret).toHaveAttribute("type", "password");
    await user.type(screen.getByTestId("settings-imp-key"), "rest-key");
    await user.type(secret, "rest-secret");
    await user.click(screen.getByTestId("settings-credentials-save"));

    expect(await screen.findByTestId("settings-credentials-saved")).toBeInTheDocument();
    expect(screen.getByTestId("settings-credentials-status")).toHaveTextContent("설정됨");
    expect(screen.getByTestId("settings-imp-key")).toHaveValue("");
    expect(screen.getByTestId("settings-imp-secret")).toHaveValue("");
    expect(invokeMock).toHaveBeenCalledWith("set_credentials", {
      credentials: { impKey: "rest-key", impSecret: "rest-secret" },
      pin: null,
    });
  });
});
