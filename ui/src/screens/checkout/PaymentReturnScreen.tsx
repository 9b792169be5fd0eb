import { ownerText } from "../../ownerText";
import type { PaymentReturn } from "../../bindings/PaymentReturn";
import { PaymentResult } from "./PaymentResult";
import { ShortId } from "../../components/ShortId";
import { Button } from "../../components/Button";

interface PaymentReturnScreenProps {
  result: PaymentReturn;
  onOpenOrder: (merchantUid: string) => void;
}

/** The result of a redirect-style payment, verified by Rust when it caught the redirect. */
export function PaymentReturnScreen({ result, onOpenOrder }: PaymentReturnScreenProps) {
  return (
    <section className="screen" aria-labelledby="payment-return-title">
      <h1 id="payment-return-title">
        결제 결과 <span className="en">Payment result</span>
      </h1>
      {result.verified ? (
        <PaymentResult order={result.verified.order} onOpenOrder={onOpenOrder} />
      ) : (
        <div className="notice warning" role="status" data-testid="checkout-open">
          <p>{ownerText(result.problem ?? "결제 결과를 확인하지 못했습니다.")}</p>
          <p>
            주문번호 <ShortId id={result.merchantUid} testId="result-merchant-uid" /> · 주문은 열려
            있으며 앱이 아임포트에서 결과를 다시 확인합니다.
          </p>
          <Button onClick={() => onOpenOrder(result.merchantUid)}>
            주문 상세 보기
          </Button>
        </div>
      )}
    </section>
  );
}
