import { useState } from "react";
import { pinStatus } from "../../ipc";
import { useCommand } from "../../useCommand";
import { PinSetupForm } from "./PinSetupForm";
import { Button } from "../../components/Button";

/** Where 나중에 is remembered (this PC's webview; the offer is only a suggestion). */
export const PIN_OFFER_DISMISSED_KEY = "panmusic.pinOfferDismissed";

function dismissedBefore(): boolean {
  try {
    return window.localStorage.getItem(PIN_OFFER_DISMISSED_KEY) === "1";
  } catch {
    return false;
  }
}

/**
 * The first-start offer: while no owner PIN is set, a notice (not a modal: the shop can keep
 * selling) offers to set one, or 나중에. Settings has the same form at any time.
 */
export function PinSetupOffer() {
  const [status] = useCommand(pinStatus);
  const [dismissed, setDismissed] = useState(dismissedBefore);
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState(false);

  if (done) {
    return (
      <div className="notice ok" role="status" data-testid="pin-offer-done">
        관리자 PIN을 설정했습니다. 이제 환불·설정 변경 같은 작업에 PIN을 묻습니다.
      </div>
    );
  }
  if (dismissed || status.status !== "ok" || status.data.set) return null;

  const later = () => {
    try {
      window.localStorage.setItem(PIN_OFFER_DISMISSED_KEY, "1");
    } catch {
      // Not remembered: the offer shows again at the next start.
    }
    setDismissed(true);
  };
  const laterButton = (
    <Button onClick={later} data-testid="pin-offer-later">
      나중에
    </Button>
  );

  return (
    <section className="notice warning" aria-label="관리자 PIN 설정 안내" data-testid="pin-offer">
      <strong>관리자 PIN을 설정하세요</strong>
      <p>
        직원이 환불, 설정 변경, 카드 변경을 하지 못하도록 숫자 4~8자리 관리자 PIN을 정할 수 있습니다. 이용권 구매에는
        PIN이 필요 없습니다.
      </p>
      {open ? (
        <PinSetupForm changing={false} onSaved={() => setDone(true)} extraAction={laterButton} />
      ) : (
        <div className="actions">
          <Button variant="primary" onClick={() => setOpen(true)} data-testid="pin-offer-open">
            PIN 설정
          </Button>
          {laterButton}
        </div>
      )}
    </section>
  );
}
