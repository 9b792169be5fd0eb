import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import { expectNoSeriousA11yViolations } from "../test/axe";
import { CommandError } from "../ipc";
import { Badge } from "./Badge";
import { ErrorNotice } from "./ErrorNotice";
import { Button } from "./Button";
import { Choice } from "./Choice";
import { SelectField } from "./SelectField";
import { useConfirm } from "./ConfirmDialog";
import { ShortId, shortId } from "./ShortId";
import { Table } from "./Table";

function ConfirmHarness() {
  const { confirm, dialog } = useConfirm();
  const [answer, setAnswer] = useState("none");
  return (
    <>
      <Button
        data-testid="ask"
        onClick={() =>
          void confirm({ title: "지금 해지할까요?", body: <p>남은 기간은 환불되지 않습니다.</p>, confirmLabel: "지금 해지", danger: true }).then(
            (yes) => setAnswer(yes ? "yes" : "no"),
          )
        }
      >
        해지
      </Button>
      <span data-testid="answer">{answer}</span>
      {dialog}
    </>
  );
}

describe("useConfirm", () => {
  it("asks in a modal that takes focus, keeps Tab inside, and answers yes only on its confirm button", async () => {
    render(<ConfirmHarness />);
    await userEvent.click(screen.getByTestId("ask"));
    const dialog = screen.getByRole("alertdialog", { name: "지금 해지할까요?" });
    expect(dialog).toHaveAttribute("aria-modal", "true");
    expect(screen.getByTestId("confirm-dialog-confirm"), "the confirm button has focus").toHaveFocus();
    await userEvent.tab();
    expect(screen.getByTestId("confirm-dialog-cancel"), "Tab wraps inside the dialog").toHaveFocus();
    await userEvent.tab();
    expect(screen.getByTestId("confirm-dialog-confirm")).toHaveFocus();
    await expectNoSeriousA11yViolations();
    await userEvent.click(screen.getByTestId("confirm-dialog-confirm"));
    expect(screen.getByTestId("answer")).toHaveTextContent("yes");
    expect(screen.queryByRole("alertdialog")).toBeNull();
    expect(screen.getByTestId("ask"), "focus goes back to what opened it").toHaveFocus();
  });

  it("answers no on Esc and on 돌아가기", async () => {
    render(<ConfirmHarness />);
    await userEvent.click(screen.getByTestId("ask"));
    await userEvent.keyboard("{Escape}");
    expect(screen.getByTestId("answer")).toHaveTextContent("no");
    expect(screen.queryByRole("alertdialog")).toBeNull();
    await userEvent.click(screen.getByTestId("ask"));
    await userEvent.click(screen.getByTestId("confirm-dialog-cancel"));
    expect(screen.getByTestId("answer")).toHaveTextContent("no");
  });
});

describe("ShortId", () => {
  it("shows the end of an id after its kind prefix, with the whole id on hover", () => {
    expect(shortId("order_01JDXM8N6MQ4RZ7T3K9QPAHW2B")).toBe("…9QPAHW2B");
    expect(shortId("ab12_billing_01JDXM8N6MQ4RZ7T3K9QPAHW2B")).toBe("…9QPAHW2B");
    expect(shortId("0001")).toBe("0001");
    render(<ShortId id="order_01JDXM8N6MQ4RZ7T3K9QPAHW2B" testId="uid" />);
    expect(screen.getByTestId("uid")).toHaveAttribute("title", "order_01JDXM8N6MQ4RZ7T3K9QPAHW2B");
    expect(screen.getByTestId("uid")).toHaveTextContent("…9QPAHW2B");
  });

  it("copies the whole id, not the shortened one", async () => {
    const user = userEvent.setup();
    render(<ShortId id="order_01JDXM8N6MQ4RZ7T3K9QPAHW2B" />);
    await user.click(screen.getByRole("button", { name: /복사/ }));
    expect(await navigator.clipboard.readText()).toBe("order_01JDXM8N6MQ4RZ7T3K9QPAHW2B");
    expect(screen.getByRole("button", { name: /복사/ })).toHaveTextContent("복사됨");
  });
});

describe("Badge and Table", () => {
  it("a badge says its state in a word with a tone, and a table has real headers", async () => {
    render(
      <Table
        label="주문 목록"
        columns={[
          { header: "주문번호", cell: (r: { id: string }) => r.id },
          { header: "상태", cell: () => <Badge tone="ok" state="paid">결제 완료</Badge> },
        ]}
        rows={[{ id: "a" }]}
        rowKey={(r) => r.id}
      />,
    );
    expect(screen.getByRole("columnheader", { name: "상태" })).toBeInTheDocument();
    const badge = screen.getByText("결제 완료");
    expect(badge).toHaveAttribute("data-tone", "ok");
    expect(badge).toHaveAttribute("data-state", "paid");
    await expectNoSeriousA11yViolations();
  });
});

function ChoiceHarness() {
  const [on, setOn] = useState(false);
  const [mode, setMode] = useState("a4");
  return (
    <>
      <Choice checked={on} onChange={setOn} testId="auto">
        자동 발급
      </Choice>
      <div role="radiogroup" aria-label="용지">
        {["a4", "80mm"].map((p) => (
          <Choice key={p} type="radio" name="paper" value={p} checked={mode === p} onChange={() => setMode(p)} testId={`paper-${p}`}>
            {p === "a4" ? "A4 용지" : "80mm 감열지"}
          </Choice>
        ))}
      </div>
      <span data-testid="state">{`${on ? "on" : "off"} ${mode}`}</span>
    </>
  );
}

describe("Choice and SelectField", () => {
  it("a checkbox and radios are named by their label and toggle from it, by pointer and by keyboard", async () => {
    render(<ChoiceHarness />);
    await userEvent.click(screen.getByText("자동 발급"));
    expect(screen.getByRole("checkbox", { name: "자동 발급" })).toBeChecked();
    await userEvent.click(screen.getByRole("radio", { name: "80mm 감열지" }));
    expect(screen.getByTestId("state")).toHaveTextContent("on 80mm");
    screen.getByTestId("auto").focus();
    await userEvent.keyboard(" ");
    expect(screen.getByTestId("state"), "Space toggles the focused checkbox").toHaveTextContent("off 80mm");
    await expectNoSeriousA11yViolations();
  });

  it("a filter-row drop-down keeps its label for screen readers and shows its note", async () => {
    let picked = "";
    render(
      <SelectField
        label="은행"
        labelHidden
        inline
        testId="bank"
        value=""
        onChange={(v) => (picked = v)}
        options={[
          { value: "", label: "은행을 고르세요" },
          { value: "004", label: "국민은행" },
        ]}
        hint="아임포트의 은행 목록"
        hintTestId="bank-note"
      />,
    );
    await userEvent.selectOptions(screen.getByRole("combobox", { name: "은행" }), "004");
    expect(picked).toBe("004");
    expect(screen.getByTestId("bank-note")).toHaveTextContent("아임포트의 은행 목록");
    await expectNoSeriousA11yViolations();
  });
});

describe("the axe-core check", () => {
  it("fails on a real serious violation: a button with no name", async () => {
    render(<button type="button" />);
    await expect(expectNoSeriousA11yViolations()).rejects.toThrow(/button-name/);
  });
});

describe("ErrorNotice", () => {
  it("says what happened in Korean only and advice that fits any action (no 저장 outside a save)", () => {
    render(
      <ErrorNotice
        error={new CommandError("validation", "주문 'order_1'은(는) 지금 상태(refunded)에서는 환불할 수 없습니다. (order is not refundable)")}
      />,
    );
    const notice = screen.getByTestId("error-notice");
    expect(notice).toHaveTextContent("주문 'order_1'은 지금 상태(환불 완료)에서는 환불할 수 없습니다.");
    expect(notice).not.toHaveTextContent("not refundable");
    expect(notice).not.toHaveTextContent("저장");
  });

  it("offline advice promises nothing it cannot keep", () => {
    render(<ErrorNotice error={new CommandError("offline", "아임포트에 연결할 수 없습니다.")} />);
    expect(screen.getByTestId("error-notice")).not.toHaveTextContent("자동으로 이어서 처리");
  });
});
