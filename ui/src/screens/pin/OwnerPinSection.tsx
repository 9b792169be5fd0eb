import { useState } from "react";
import { ErrorNotice } from "../../components/ErrorNotice";
import { pinStatus } from "../../ipc";
import { useCommand } from "../../useCommand";
import { PinSetupForm } from "./PinSetupForm";

/** 설정 > 관리자 PIN 설정/변경: whether one is set, and the form to set or change it. */
export function OwnerPinSection() {
  const [status, reload] = useCommand(pinStatus);
  const [saved, setSaved] = useState(false);

  return (
    <section className="form" aria-label="관리자 PIN">
      <fieldset>
        <legend>
          관리자 PIN <span className="en">Owner PIN</span>
        </legend>
        <p className="hint muted">
          PIN을 정하면 설정·API 키 변경, 결제 모드 전환, 환불, 구독 해지, 카드 변경·삭제, 테스트 데이터 삭제 때
          PIN을 묻습니다. 이용권 구매에는 묻지 않습니다. 5번 틀리면 5분 동안 잠깁니다.
        </p>
        {status.status === "error" && <ErrorNotice error={status.error} testId="pin-status-error" />}
        {status.status === "ok" && (
          <>
            <p>
              상태:{" "}
              <span className={status.data.set ? "badge set" : "badge unset"} data-testid="settings-pin-status">
                {status.data.set ? "설정됨" : "미설정"}
              </span>
            </p>
            {saved && (
              <p className="notice ok" role="status" data-testid="settings-pin-saved">
                관리자 PIN을 저장했습니다.
              </p>
            )}
            <PinSetupForm
              changing={status.data.set}
              onSaved={() => {
                setSaved(true);
                reload();
              }}
            />
          </>
        )}
      </fieldset>
    </section>
  );
}
