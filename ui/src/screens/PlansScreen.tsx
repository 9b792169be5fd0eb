import type { Plan } from "../bindings/Plan";
import { ErrorNotice } from "../components/ErrorNotice";
import { formatPlanPrice } from "../format";
import { listPlans } from "../ipc";
import { useCommand } from "../useCommand";
import { Button } from "../components/Button";
import { Empty, Loading } from "../components/States";
import { EntitlementPanel } from "./EntitlementPanel";

interface PlansScreenProps {
  /** Called when the owner picks a plan (the checkout screen hooks in here). */
  onSelect?: (plan: Plan) => void;
}

function periodText(plan: Plan): string {
  return plan.kind === "subscription"
    ? `매${plan.months === 1 ? "월" : ` ${plan.months}개월마다`} 자동 결제 (정기결제)`
    : `${plan.months}개월 이용 (이용권)`;
}

/** 요금제: the catalog as Rust stores it; prices are shown, never computed. */
export function PlansScreen({ onSelect }: PlansScreenProps) {
  const [plans, reload] = useCommand(listPlans);

  return (
    <section className="screen" aria-labelledby="plans-title">
      <h1 id="plans-title">
        요금제 <span className="en">Plans</span>
      </h1>
      <EntitlementPanel plans={plans.status === "ok" ? plans.data : []} />
      <p className="lead">매장에서 틀 음악 이용권을 골라 주세요.</p>
      {plans.status === "loading" && <Loading what="요금제를" />}
      {plans.status === "error" && (
        <>
          <ErrorNotice error={plans.error} />
          <Button onClick={reload}>
            다시 시도
          </Button>
        </>
      )}
      {plans.status === "ok" && plans.data.length === 0 && (
        <Empty title="판매 중인 요금제가 없습니다" testId="plans-empty">
          요금제 목록이 비어 있습니다. 판뮤직 고객센터에 문의해 주세요.
        </Empty>
      )}
      {plans.status === "ok" && (
        <ul className="plan-list">
          {plans.data.map((plan) => (
            <li key={plan.id}>
              {/* Clicking anywhere on the card picks the plan; the button inside is the keyboard
                  path (its click bubbles up here, so the plan is picked once). */}
              <article
                className={onSelect ? "plan-card selectable" : "plan-card"}
                data-testid={`plan-${plan.id}`}
                onClick={onSelect ? () => onSelect(plan) : undefined}
              >
                <h2>{plan.nameKo}</h2>
                <p className="en">{plan.nameEn}</p>
                <p className="price" data-testid={`plan-price-${plan.id}`}>
                  {formatPlanPrice(plan)}
                </p>
                <p className="muted">{periodText(plan)}</p>
                {onSelect && (
                  <Button
                    variant="primary"
                    data-testid={`plan-buy-${plan.id}`}
                  >
                    구매하기
                  </Button>
                )}
              </article>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
