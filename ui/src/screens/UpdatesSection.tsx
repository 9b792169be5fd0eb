import { getVersion } from "@tauri-apps/api/app";
import { listen } from "@tauri-apps/api/event";
import { useEffect, useState } from "react";
import type { UpdateCheck } from "../bindings/UpdateCheck";
import type { UpdateOffer } from "../bindings/UpdateOffer";
import type { UpdateProgress } from "../bindings/UpdateProgress";
import { Button } from "../components/Button";
import { useConfirm } from "../components/ConfirmDialog";
import { ErrorNotice } from "../components/ErrorNotice";
import { formatKst } from "../format";
import { checkForUpdate, CommandError, downloadUpdate, installUpdate, toCommandError } from "../ipc";
import { usePinGuard } from "../usePinGuard";

/** Rust's `PROGRESS_EVENT`. */
const PROGRESS_EVENT = "update-progress";

function percent(progress: UpdateProgress): number | null {
  if (!progress.total) return null;
  return Math.min(100, Math.floor((progress.downloaded * 100) / progress.total));
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)}MB`;
}

/**
 * 업데이트: the version running, 업데이트 확인, and an update offered (version, notes, date in KST),
 * downloaded with a progress bar and its signature checked in Rust; 설치 후 다시 시작 asks first
 * and needs the owner's PIN. A damaged or altered file is refused and nothing is installed.
 */
export function UpdatesSection() {
  const [running, setRunning] = useState<string | null>(null);
  const [check, setCheck] = useState<UpdateCheck | null>(null);
  const [offer, setOffer] = useState<UpdateOffer | null>(null);
  const [busy, setBusy] = useState<"check" | "download" | "install" | null>(null);
  const [progress, setProgress] = useState<UpdateProgress | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const { guard, dialog: pinDialog } = usePinGuard();
  const { confirm, dialog: confirmDialog } = useConfirm();

  useEffect(() => {
    getVersion().then(setRunning, () => setRunning(null));
  }, []);

  useEffect(() => {
    let stop: (() => void) | null = null;
    let live = true;
    void listen<UpdateProgress>(PROGRESS_EVENT, ({ payload }) => setProgress(payload)).then((unlisten) => {
      if (live) stop = unlisten;
      else unlisten();
    });
    return () => {
      live = false;
      stop?.();
    };
  }, []);

  async function run(step: "check" | "download" | "install", action: () => Promise<void>) {
    setBusy(step);
    setError(null);
    try {
      await action();
    } catch (reason) {
      setError(toCommandError(reason));
    } finally {
      setBusy(null);
    }
  }

  const runCheck = () =>
    run("check", async () => {
      const found = await checkForUpdate();
      setCheck(found);
      setOffer(found.offer);
    });

  const download = (version: string) =>
    run("download", async () => {
      setProgress({ downloaded: 0, total: null });
      try {
        setOffer(await downloadUpdate(version));
      } finally {
        setProgress(null);
      }
    });

  const install = (version: string) =>
    run("install", async () => {
      const yes = await confirm({
        title: "업데이트 설치",
        body: (
          <p>
            판뮤직 POS를 {version} 버전으로 업데이트합니다. 지금 앱을 닫고 설치한 뒤 다시 엽니다(1분 안팎). 설치하는
            동안에는 결제를 받을 수 없고, 컴퓨터가 관리자 암호를 물을 수 있습니다. 주문 장부와 설정은 그대로
            남습니다.
          </p>
        ),
        confirmLabel: "설치 후 다시 시작",
        testId: "update-install-confirm",
      });
      if (!yes) return;
      await guard("업데이트 설치", (pin) => installUpdate(version, pin));
    });

  const shown = percent(progress ?? { downloaded: 0, total: null });
  return (
    <section className="form" aria-label="업데이트">
      <fieldset>
        <legend>
          업데이트 <span className="en">Updates</span>
        </legend>
        <p data-testid="update-current">
          지금 버전 <strong>{check?.currentVersion ?? running ?? "—"}</strong>
          {check && !offer && <span data-testid="update-none"> · 최신 버전을 쓰고 있습니다.</span>}
        </p>
        {error && <ErrorNotice error={error} testId="update-error" />}
        {offer && (
          <div className="notice" data-testid="update-offer">
            <p>
              새 버전 <strong data-testid="update-version">{offer.version}</strong>
              {offer.publishedAt && <span data-testid="update-date"> · {formatKst(offer.publishedAt)} 발표</span>}
            </p>
            {offer.notes && (
              <p className="hint" data-testid="update-notes">
                {offer.notes}
              </p>
            )}
            {progress && (
              <div data-testid="update-progress">
                <progress max={100} value={shown ?? undefined} aria-label="업데이트 받는 중" />{" "}
                <span className="muted">
                  {shown !== null ? `${shown}%` : megabytes(progress.downloaded)} 받는 중…
                </span>
              </div>
            )}
            {offer.ready ? (
              <>
                <p className="notice ok" role="status" data-testid="update-ready">
                  받은 파일의 서명을 확인했습니다. 다시 시작하면 {offer.version} 버전이 설치됩니다.
                </p>
                <div className="actions">
                  <Button
                    variant="primary"
                    disabled={busy !== null}
                    onClick={() => void install(offer.version)}
                    data-testid="update-install"
                  >
                    {busy === "install" ? "설치 중…" : "설치 후 다시 시작"}
                  </Button>
                </div>
              </>
            ) : (
              <div className="actions">
                <Button disabled={busy !== null} onClick={() => void download(offer.version)} data-testid="update-download">
                  {busy === "download" ? "받는 중…" : "업데이트 받기"}
                </Button>
              </div>
            )}
          </div>
        )}
        <div className="actions">
          <Button disabled={busy !== null} onClick={() => void runCheck()} data-testid="update-check">
            {busy === "check" ? "확인 중…" : "업데이트 확인"}
          </Button>
        </div>
        <p className="hint muted">
          업데이트는 판뮤직이 서명한 파일만 설치합니다. 서명이 맞지 않는 파일은 설치하지 않고 버립니다.
        </p>
      </fieldset>
      {confirmDialog}
      {pinDialog}
    </section>
  );
}
