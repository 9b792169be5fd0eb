import "./settlement.css";
import { useCallback, useState } from "react";
import type { Figures } from "../../bindings/Figures";
import type { PayMethod } from "../../bindings/PayMethod";
import type { SettlementSection } from "../../bindings/SettlementSection";
import { Button } from "../../components/Button";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Field } from "../../components/Field";
import { SelectField, type SelectOption } from "../../components/SelectField";
import { Loading } from "../../components/States";
import { CommandError, exportSettlementCsv, settlement, toCommandError } from "../../ipc";
import { formatWon } from "../../format";
import { useCommand } from "../../useCommand";
import { PAY_METHOD_LABELS } from "../orders/labels";
import { DrillDown, type Drill } from "./DrillDown";
import { kstToday, monthRange, type PeriodKind } from "./period";

/** The period units of the filter row. */
const PERIOD_KINDS: SelectOption[] = [
  { value: "day", label: "하루" },
  { value: "month", label: "한 달" },
  { value: "range", label: "기간 지정" },
];

interface SettlementScreenProps {
  onOpen: (merchantUid: string) => void;
}

/** 정산: paid, refunded and net by pay method and by plan for a day, a month or any KST range;
 * unpaid virtual accounts apart; every figure opens its orders; CSV export and 인쇄. */
export function SettlementScreen({ onOpen }: SettlementScreenProps) {
  const today = kstToday();
  const [kind, setKind] = useState<PeriodKind>("month");
  const [day, setDay] = useState(today);
  const [month, setMonth] = useState(today.slice(0, 7));
  const [from, setFrom] = useState(`${today.slice(0, 7)}-01`);
  const [to, setTo] = useState(today);
  const [drill, setDrill] = useState<Drill | null>(null);
  const [exported, setExported] = useState<string | null>(null);
  const [exportError, setExportError] = useState<CommandError | null>(null);
  const [exporting, setExporting] = useState(false);

  const range = kind === "day" ? { from: day, to: day } : kind === "month" ? monthRange(month) : { from, to };
  const load = useCallback(
    () =>
      range.from && range.to
        ? settlement(range.from, range.to)
        : Promise.reject(new CommandError("validation", "날짜를 골라 주세요. (연-월-일)")),
    [range.from, range.to],
  );
  const [report] = useCommand(load);

  const open = (section: SettlementSection, payMethod: PayMethod | null, planId: string | null, title: string) =>
    setDrill({ section, payMethod, planId, title });

  const saveCsv = async () => {
    setExporting(true);
    setExported(null);
    setExportError(null);
    try {
      const done = await exportSettlementCsv(range.from, range.to);
      if (done) setExported(`${done.path}에 ${done.rows}건을 저장했습니다.`);
    } catch (reason) {
      setExportError(toCommandError(reason));
    } finally {
      setExporting(false);
    }
  };

  const row = (label: string, f: Figures, payMethod: PayMethod | null, planId: string | null, testId: string) => (
    <tr key={testId} data-testid={testId}>
      <th scope="row">{label}</th>
      {(["paid", "refunded", "net"] as const).map((k) => (
        <td key={k} className="num">
          <Button variant="link" onClick={() => open("sales", payMethod, planId, label)} data-testid={`${testId}-${k}`}>
            {formatWon(f[k])}
          </Button>
        </td>
      ))}
      <td className="num">{f.count}건</td>
    </tr>
  );

  return (
    <section className="screen settlement" aria-labelledby="settlement-title">
      <h1 id="settlement-title">
        정산 <span className="en">Settlement</span>
      </h1>
      <div className="filters actions no-print">
        <SelectField
          label="기간 단위"
          labelHidden
          inline
          testId="settlement-kind"
          value={kind}
          onChange={(value) => setKind(value as PeriodKind)}
          options={PERIOD_KINDS}
        />
        {kind === "day" && <Field type="date" label="날짜" labelHidden inline testId="settlement-day" value={day} onChange={setDay} />}
        {kind === "month" && <Field type="month" label="월" labelHidden inline testId="settlement-month" value={month} onChange={setMonth} />}
        {kind === "range" && (
          <>
            <Field type="date" label="시작일" labelHidden inline testId="settlement-from" value={from} onChange={setFrom} />
            <span>~</span>
            <Field type="date" label="종료일" labelHidden inline testId="settlement-to" value={to} onChange={setTo} />
          </>
        )}
        <Button onClick={() => void saveCsv()} busyText={exporting ? "저장 중…" : null} data-testid="settlement-csv">
          CSV 저장 (엑셀)
        </Button>
        <Button onClick={() => window.print()} data-testid="settlement-print">
          인쇄
        </Button>
      </div>
      <p className="muted">
        {range.from} ~ {range.to} (한국 시간, 결제일 기준). 환불은 원래 결제일의 매출에서 뺍니다.
      </p>
      {exported && (
        <p className="notice ok" role="status" data-testid="settlement-exported">
          {exported}
        </p>
      )}
      {exportError && <ErrorNotice error={exportError} testId="settlement-export-error" />}
      {report.status === "loading" && <Loading what="정산을" />}
      {report.status === "error" && <ErrorNotice error={report.error} testId="settlement-error" />}
      {report.status === "ok" && (
        <>
          <table className="table settlement-table" aria-label="정산 합계" data-testid="settlement-table">
            <thead>
              <tr>
                <th scope="col">구분</th>
                <th scope="col" className="num">결제</th>
                <th scope="col" className="num">환불</th>
                <th scope="col" className="num">순매출</th>
                <th scope="col" className="num">건수</th>
              </tr>
            </thead>
            <tbody>
              {row("합계", report.data.totals, null, null, "settlement-total")}
              {Object.entries(report.data.byPayMethod).map(([method, f]) =>
                f ? row(PAY_METHOD_LABELS[method as PayMethod] ?? method, f, method as PayMethod, null, `settlement-method-${method}`) : null,
              )}
              {Object.entries(report.data.byPlan).map(([plan, f]) =>
                f ? row(report.data.planNames[plan] ?? plan, f, null, plan, `settlement-plan-${plan}`) : null,
              )}
            </tbody>
          </table>
          {report.data.totals.count === 0 && <p className="muted" data-testid="settlement-empty">이 기간에는 결제된 매출이 없습니다.</p>}
          <p data-testid="settlement-unpaid">
            입금 대기 가상계좌 (매출 아님):{" "}
            <Button variant="link" onClick={() => open("vbank_unpaid", null, null, "입금 대기 가상계좌")} data-testid="settlement-unpaid-open">
              {report.data.vbankUnpaid.count}건 · {formatWon(report.data.vbankUnpaid.amount)}
            </Button>
          </p>
          {drill && <DrillDown key={`${range.from}${range.to}${drill.section}${drill.payMethod}${drill.planId}`} from={range.from} to={range.to} drill={drill} onOpen={onOpen} onClose={() => setDrill(null)} />}
        </>
      )}
    </section>
  );
}
