import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { fakeBackend, invokeMock } from "../test/fakeBackend";
import { StorePcSection } from "./StorePcSection";

const BACKUP = {
  path: "/data/sandbox/backups/pos-20261130T000000000Z-daily.sqlite3",
  takenAt: Date.UTC(2026, 10, 30, 0, 0),
  reason: "daily",
  orderCount: 12,
  schemaVersion: 8,
};

describe("StorePcSection", () => {
  it("lists the backups with their time in KST, why they were made and their order count", async () => {
    fakeBackend({ store_pc_status: () => ({ autostart: true, backups: [BACKUP], backupFolder: null }) });
    render(<StorePcSection />);
    const list = await screen.findByTestId("backup-list");
    expect(list.textContent, "the backup is described in Korean").toContain("매일 백업");
    expect(list.textContent, "with its order count").toContain("주문 12건");
    expect(list.textContent, "and its time in KST").toContain("09:00 KST");
  });

  it("restores only after the owner confirms what it will do", async () => {
    const restored: unknown[] = [];
    fakeBackend({
      store_pc_status: () => ({ autostart: true, backups: [BACKUP], backupFolder: null }),
      restore_backup: (args) => {
        restored.push(args?.path);
        return { restored: BACKUP, keptAside: null, orderCount: 12 };
      },
    });
    render(<StorePcSection />);
    await userEvent.click(await screen.findByTestId(`restore-${BACKUP.takenAt}`));
    expect(restored, "asking is not restoring").toEqual([]);
    expect(screen.getByTestId("restore-confirm").textContent, "the question says the current data is kept").toContain(
      "백업으로 남겨 둡니다",
    );
    await userEvent.click(screen.getByTestId("restore-yes"));
    await waitFor(() => expect(restored, "the chosen backup is restored").toEqual([BACKUP.path]));
    expect((await screen.findByTestId("store-pc-message")).textContent).toContain("지금 주문 12건");
  });

  it("says where the diagnostics zip was saved, and nothing when the owner cancelled", async () => {
    let answer: string | null = null;
    fakeBackend({ export_diagnostics: () => answer });
    render(<StorePcSection />);
    await userEvent.click(await screen.findByTestId("export-diagnostics"));
    await waitFor(() => expect(invokeMock).toHaveBeenCalledWith("export_diagnostics", undefined));
    expect(screen.queryByTestId("store-pc-message"), "a cancelled save says nothing").toBeNull();
    answer = "/home/owner/진단.zip";
    await userEvent.click(screen.getByTestId("export-diagnostics"));
    expect((await screen.findByTestId("store-pc-message")).textContent).toContain("/home/owner/진단.zip");
  });
});
