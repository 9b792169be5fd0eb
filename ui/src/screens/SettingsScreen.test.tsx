import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Settings } from "../bindings/Settings";
import { fakeBackend, invokeMock, ipcError } from "../test/fakeBackend";
import { defaultSettings, settingsView } from "../test/fixtures-settings";
import { fakeOwnerPin, OWNER_PIN } from "../test/fakePin";
import { SettingsScreen } from "./SettingsScreen";
import { expectNoSeriousA11yViolations } from "../test/axe";

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
    await expectNoSeriousA11yViolations();
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

  it("saves the subscription channel and the automatic cash receipt choice", async () => {
    fakeBackend({
      get_settings: () => settingsView(),
      save_settings: (args) => settingsView({ settings: (args as { settings: Settings }).settings }),
    });
    const user = userEvent.setup();
    render(<SettingsScreen />);
    await user.type(await screen.findByTestId("settings-business-number"), "123-45-67891");
    await user.click(screen.getByTestId("settings-auto-cash-receipt"));
    await user.type(screen.getByTestId("settings-channel-billing"), "nice.billing01");
    await user.click(screen.getByTestId("settings-save"));
    await screen.findByTestId("settings-saved");
    expect(savedSettings().channels.billing).toBe("nice.billing01");
    expect(savedSettings().autoCashReceipt).toBe(true);
    expect(savedSettings().businessNumber).toBe("123-45-67891");
  });

  it("refuses a business number whose check digit is wrong before sending", async () => {
    fakeBackend({ get_settings: () => settingsView(), save_settings: () => settingsView() });
    const user = userEvent.setup();
    render(<SettingsScreen />);
    await user.type(await screen.findByTestId("settings-business-number"), "123-45-67890");
    await user.click(screen.getByTestId("settings-save"));
    expect(await screen.findByText(/검증 번호/)).toBeInTheDocument();
    expect(invokeMock.mock.calls.some(([command]) => command === "save_settings")).toBe(false);
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
    // A value that passes the screen's own checks; Rust still has the last word.
    await user.type(await screen.findByTestId("settings-merchant-code"), "imp12345678");
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

  it("an invalid email is shown next to its field, saves nothing, and the error clears once fixed", async () => {
    fakeBackend({
      get_settings: () => settingsView(),
      save_settings: (args) => settingsView({ settings: (args as { settings: Settings }).settings }),
    });
    const user = userEvent.setup();
    render(<SettingsScreen />);
    const email = await screen.findByTestId("settings-buyer-email");
    await user.type(email, "owner@localhost");
    await user.click(screen.getByTestId("settings-save"));

    expect(await screen.findByTestId("settings-buyer-email-error")).toHaveTextContent("이메일 주소 형식이 아닙니다");
    expect(email).toHaveAttribute("aria-invalid", "true");
    expect(email).toHaveFocus();
    await expectNoSeriousA11yViolations();
    expect(invokeMock).not.toHaveBeenCalledWith("save_settings", expect.anything());
    expect(screen.queryByTestId("settings-saved")).not.toBeInTheDocument();

    await user.type(email, ".kr");
    expect(screen.queryByTestId("settings-buyer-email-error")).not.toBeInTheDocument();
    await user.click(screen.getByTestId("settings-save"));
    expect(await screen.findByTestId("settings-saved")).toBeInTheDocument();
    expect(savedSettings().buyer.email).toBe("owner@localhost.kr");
  });

  it("shows each wrong field's own error, and one fixed field's error goes while the other stays", async () => {
    fakeBackend({ get_settings: () => settingsView() });
    const user = userEvent.setup();
    render(<SettingsScreen />);
    await user.type(await screen.findByTestId("settings-buyer-tel"), "010-CALL");
    await user.type(screen.getByTestId("settings-merchant-code"), "imp123");
    await user.click(screen.getByTestId("settings-save"));
    expect(await screen.findByTestId("settings-buyer-tel-error")).toHaveTextContent("전화번호");
    expect(screen.getByTestId("settings-merchant-code-error")).toHaveTextContent("가맹점 식별코드");
    expect(screen.getByTestId("settings-buyer-tel")).toHaveFocus();

    await user.type(screen.getByTestId("settings-merchant-code"), "45678");
    expect(screen.queryByTestId("settings-merchant-code-error")).not.toBeInTheDocument();
    expect(screen.getByTestId("settings-buyer-tel-error")).toBeInTheDocument();
  });

  it("a failed switch to live says only what failed, puts the radio back, and the error goes when editing", async () => {
    const outage = "아임포트 서버가 응답하지 않아(장애 또는 점검 중) API 키를 확인할 수 없습니다. 잠시 후 다시 저장해 주세요.";
    fakeBackend({
      get_settings: () => settingsView({ credentialsSet: true }),
      save_settings: () => {
        throw ipcError("offline", outage);
      },
    });
    const user = userEvent.setup();
    render(<SettingsScreen />);
    await user.type(await screen.findByTestId("settings-merchant-code"), "imp12345678");
    await user.click(screen.getByTestId("settings-mode-live"));
    await user.click(screen.getByTestId("settings-save"));

    const error = await screen.findByTestId("settings-error");
    expect(error).toHaveTextContent(outage);
    expect(error).toHaveTextContent("결제 모드는 테스트 (SANDBOX) 그대로입니다");
    expect(error).not.toHaveTextContent("자동으로 이어서 처리됩니다");
    expect(screen.getByTestId("settings-mode-sandbox")).toBeChecked();
    expect(screen.getByTestId("settings-mode-live")).not.toBeChecked();

    await user.type(screen.getByTestId("settings-store-name"), "카페");
    expect(screen.queryByTestId("settings-error")).not.toBeInTheDocument();
  });
});
