import { ownerText } from "../ownerText";
import { useState } from "react";
import type { BackupInfo } from "../bindings/BackupInfo";
import { Button } from "../components/Button";
import { Choice } from "../components/Choice";
import { ErrorNotice } from "../components/ErrorNotice";
import { formatKst } from "../format";
import {
  backupNow,
  chooseBackupFolder,
  CommandError,
  exportDiagnostics,
  restoreBackup,
  setAutostart,
  storePcStatus,
  toCommandError,
} from "../ipc";
import { useCommand } from "../useCommand";
import { usePinGuard } from "../usePinGuard";

const REASONS: Record<BackupInfo["reason"], string> = {
  daily: "매일 백업",
  manual: "직접 만든 백업",
  "before-migration": "업데이트 전 백업",
  "before-restore": "복원 전 데이터",
};

function when(ms: number): string {
  return formatKst(new Date(ms).toISOString());
}

/**
 * 매장 PC: starting at login, backups of the order book (지금 백업, 복원 after asking), and
 * 진단 정보 내보내기 (a zip saved where the owner picks; no secrets, no buyer details).
 */
export function StorePcSection() {
  const [loaded, reload] = useCommand(storePcStatus);
  const view = loaded.status === "ok" ? loaded.data : null;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<CommandError | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [restoring, setRestoring] = useState<BackupInfo | null>(null);
  const { guard, dialog } = usePinGuard();

  async function run(action: () => Promise<string | null>) {
    setBusy(true);
    setError(null);
    setMessage(null);
    try {
      const said = await action();
      if (said) setMessage(said);
      reload();
    } catch (reason) {
      setError(toCommandError(reason));
    } finally {
      setBusy(false);
    }
  }

  const toggleAutostart = (enabled: boolean) =>
    run(async () => {
      const done = await guard("자동 실행 설정", (pin) => setAutostart(enabled, pin));
      if (done === null) return null;
      return done.value ? "로그인하면 판뮤직 POS가 트레이에서 시작합니다." : "로그인할 때 자동으로 시작하지 않습니다.";
    });

  const makeBackup = () =>
    run(async () => {
      const made = await backupNow();
      const folder = made.folderProblem ? ` 다만 지정한 백업 폴더에는 복사하지 못했습니다: ${ownerText(made.folderProblem)}` : "";
      return `백업을 만들었습니다 (주문 ${made.backup.orderCount}건).${folder}`;
    });

  const restore = (backup: BackupInfo) =>
    run(async () => {
      const report = await guard("백업에서 복원", (pin) => restoreBackup(backup.path, pin));
      setRestoring(null);
      if (report === null) return null;
      return `${when(backup.takenAt)} 백업으로 복원했습니다. 지금 주문 ${report.value.orderCount}건. 복원 전 데이터는 백업 목록에 남겨 두었습니다.`;
    });

  const pickFolder = (clear: boolean) =>
    run(async () => {
      const done = await guard("백업 폴더 설정", (pin) => chooseBackupFolder(clear, pin));
      if (done === null) return null;
      return done.value ? `백업을 ${done.value}에도 복사합니다.` : "백업을 데이터 폴더에만 둡니다.";
    });

  const exportZip = () =>
    run(async () => {
      const path = await exportDiagnostics();
      return path ? `진단 정보를 저장했습니다: ${path}` : null;
    });

  return (
    <section className="form" aria-label="매장 PC">
      <fieldset>
        <legend>
          매장 PC <span className="en">Store PC</span>
        </legend>
        {loaded.status === "error" && <ErrorNotice error={loaded.error} testId="store-pc-load-error" />}
        {error && <ErrorNotice error={error} testId="store-pc-error" />}
        {message && (
          <p className="notice ok" role="status" data-testid="store-pc-message">
            {message}
          </p>
        )}
        <Choice
          checked={view?.autostart ?? false}
          disabled={busy || view === null}
          onChange={(on) => void toggleAutostart(on)}
          testId="autostart"
        >
          로그인하면 자동으로 시작 (트레이에서 조용히 시작합니다)
        </Choice>
        <p className="hint muted">
          창을 닫아도 트레이(알림 영역)에서 결제 확인과 동기화를 계속합니다. 끝내려면 트레이 아이콘 메뉴의 종료를 누르세요.
        </p>
        <h3>백업</h3>
        <p className="hint muted">
          주문 장부를 매일, 그리고 업데이트 전에 자동으로 백업합니다(최근 30개 보관).
          {view?.backupFolder ? ` 백업 폴더 ${view.backupFolder}에도 복사합니다.` : ""}
        </p>
        <div className="actions">
          <Button disabled={busy} onClick={() => void makeBackup()} data-testid="backup-now">
            지금 백업
          </Button>
          <Button disabled={busy} onClick={() => void pickFolder(false)} data-testid="backup-folder">
            백업 폴더 지정…
          </Button>
          {view?.backupFolder && (
            <Button disabled={busy} onClick={() => void pickFolder(true)} data-testid="backup-folder-clear">
              백업 폴더 해제
            </Button>
          )}
          <Button disabled={busy} onClick={() => void exportZip()} data-testid="export-diagnostics">
            진단 정보 내보내기
          </Button>
        </div>
        {view && view.backups.length === 0 && <p className="muted">아직 백업이 없습니다.</p>}
        {view && view.backups.length > 0 && (
          <ul className="backups" data-testid="backup-list">
            {view.backups.map((backup) => (
              <li key={backup.path}>
                <span>
                  {when(backup.takenAt)} · {REASONS[backup.reason]} · 주문 {backup.orderCount}건
                </span>{" "}
                <Button small disabled={busy} onClick={() => setRestoring(backup)} data-testid={`restore-${backup.takenAt}`}>
                  복원
                </Button>
              </li>
            ))}
          </ul>
        )}
        {restoring && (
          <div className="notice warning" role="alert" data-testid="restore-confirm">
            <p>
              주문 장부를 {when(restoring.takenAt)} 백업(주문 {restoring.orderCount}건)으로 되돌릴까요? 그 뒤에 생긴
              기록은 장부에서 빠지지만, 지금 데이터는 백업으로 남겨 둡니다. 아임포트의 결제는 바뀌지 않으며 동기화가
              다시 확인합니다.
            </p>
            <div className="actions">
              <Button variant="danger" disabled={busy} onClick={() => void restore(restoring)} data-testid="restore-yes">
                {busy ? "복원 중…" : "복원"}
              </Button>
              <Button disabled={busy} onClick={() => setRestoring(null)}>
                취소
              </Button>
            </div>
          </div>
        )}
      </fieldset>
      {dialog}
    </section>
  );
}
