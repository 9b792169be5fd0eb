import { beforeEach, describe, expect, it } from "vitest";
import { fakeBackend, invokeMock, ipcError } from "./test/fakeBackend";
import { CommandError, appStatus, listPlans, refundOrder, saveSettings, setCredentials, toCommandError } from "./ipc";
import { PLANS, sandboxStatus } from "./test/fixtures";

beforeEach(() => {
  invokeMock.mockReset();
});

describe("ipc wrapper", () => {
  it("calls each command by its Rust name and returns the reply", async () => {
    fakeBackend({ list_plans: () => PLANS, app_status: () => sandboxStatus() });
    await expect(listPlans()).resolves.toEqual(PLANS);
    await expect(appStatus()).resolves.toMatchObject({ mode: "sandbox" });
    expect(invokeMock).toHaveBeenCalledWith("list_plans", undefined);
    expect(invokeMock).toHaveBeenCalledWith("app_status", undefined);
  });

  it("sends arguments under the names the Rust commands take", async () => {
    fakeBackend({
      set_credentials: () => ({ set: true }),
      save_settings: (args) => ({ settings: args?.settings, credentialsSet: true, problem: null }),
    });
    await setCredentials({ impKey: "k", impSecret: "s" });
    expect(invokeMock).toHaveBeenCalledWith("set_credentials", { credentials: { impKey: "k", impSecret: "s" }, pin: null });
    const settings = { storeName: "카페" } as never;
    await saveSettings(settings);
    expect(invokeMock).toHaveBeenCalledWith("save_settings", { settings, pin: null });
  });

  it("turns a {code, message} rejection into a CommandError", async () => {
    fakeBackend({
      list_plans: () => {
        throw ipcError("offline", "아임포트에 연결할 수 없습니다.");
      },
    });
    const failure = await listPlans().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(CommandError);
    expect(failure).toMatchObject({ code: "offline", message: "아임포트에 연결할 수 없습니다." });
  });

  it("turns a plain-string rejection (unknown command, bad arguments) into an internal error in Korean", async () => {
    fakeBackend({});
    const failure = await appStatus().catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: "internal" });
    expect((failure as CommandError).message).toMatch(/앱 내부 오류/);
    expect((failure as CommandError).message).not.toMatch(/not found/);
  });

  it("does not trust an unknown error code", () => {
    expect(toCommandError({ code: "teapot", message: "x" }).code).toBe("internal");
  });

  it("never sends an empty partial refund amount, which Rust would read as everything left", async () => {
    fakeBackend({ refund_order: () => ({ status: "done" }) });
    const partial = { merchantUid: "order_1", amount: "  ", reason: "고객 요청", refundAccount: null };
    await expect(refundOrder(partial)).rejects.toMatchObject({ code: "validation" });
    expect(invokeMock).not.toHaveBeenCalled();
    await refundOrder({ ...partial, amount: null });
    expect(invokeMock, "전액 환불 sends no amount").toHaveBeenCalledWith("refund_order", expect.objectContaining({ amount: null }));
  });
});
