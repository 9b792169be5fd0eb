import { act, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { emitEvent, fakeBackend, ipcError } from "../test/fakeBackend";
import { UpdatesSection } from "./UpdatesSection";

const OFFER = { version: "0.2.0", notes: "정산 화면 개선", publishedAt: "2026-11-30T03:00:00Z", ready: false };

describe("UpdatesSection", () => {
  it("offers a newer version with its notes and its date in KST", async () => {
    fakeBackend({ check_for_update: () => ({ currentVersion: "0.1.0", offer: OFFER }) });
    render(<UpdatesSection />);
    await userEvent.click(screen.getByTestId("update-check"));
    expect((await screen.findByTestId("update-version")).textContent).toBe("0.2.0");
    expect(screen.getByTestId("update-notes").textContent, "the notes as written").toBe("정산 화면 개선");
    expect(screen.getByTestId("update-date").textContent, "03:00 UTC is 12:00 KST").toContain("12:00 KST");
    expect(screen.getByTestId("update-current").textContent, "the running version").toContain("0.1.0");
  });

  it("says when the newest version is already running", async () => {
    fakeBackend({ check_for_update: () => ({ currentVersion: "0.1.0", offer: null }) });
    render(<UpdatesSection />);
    await userEvent.click(screen.getByTestId("update-check"));
    expect((await screen.findByTestId("update-none")).textContent).toContain("최신 버전");
    expect(screen.queryByTestId("update-offer"), "nothing offered").toBeNull();
  });

  it("shows the download's progress, then installs only after the owner agrees", async () => {
    const installed: unknown[] = [];
    let finish: (offer: typeof OFFER) => void = () => {};
    fakeBackend({
      check_for_update: () => ({ currentVersion: "0.1.0", offer: OFFER }),
      download_update: () => new Promise((resolve) => (finish = resolve)),
      install_update: (args) => {
        installed.push(args?.version);
        return null;
      },
    });
    render(<UpdatesSection />);
    await userEvent.click(screen.getByTestId("update-check"));
    await userEvent.click(await screen.findByTestId("update-download"));
    act(() => emitEvent("update-progress", { downloaded: 512, total: 1024 }));
    expect((await screen.findByTestId("update-progress")).textContent, "half of the file").toContain("50%");
    act(() => finish({ ...OFFER, ready: true }));
    expect((await screen.findByTestId("update-ready")).textContent, "verified").toContain("서명을 확인했습니다");
    await userEvent.click(screen.getByTestId("update-install"));
    expect(installed, "asking is not installing").toEqual([]);
    expect(screen.getByTestId("update-install-confirm").textContent, "says the app closes and reopens").toContain(
      "다시 엽니다",
    );
    await userEvent.click(screen.getByRole("button", { name: "설치 후 다시 시작" }));
    await waitFor(() => expect(installed, "installed after yes").toEqual(["0.2.0"]));
  });

  it("refuses a damaged or altered file with Rust's Korean message and offers no install", async () => {
    fakeBackend({
      check_for_update: () => ({ currentVersion: "0.1.0", offer: OFFER }),
      download_update: () => {
        throw ipcError("internal", "업데이트 파일이 손상되었거나 변조되어 설치하지 않았습니다.");
      },
    });
    render(<UpdatesSection />);
    await userEvent.click(screen.getByTestId("update-check"));
    await userEvent.click(await screen.findByTestId("update-download"));
    expect((await screen.findByTestId("update-error")).textContent).toContain("손상되었거나 변조");
    expect(screen.queryByTestId("update-install"), "nothing to install").toBeNull();
    expect(screen.queryByTestId("update-progress"), "the progress bar is gone").toBeNull();
  });
});
