import type { ButtonHTMLAttributes } from "react";

/** How a button looks: `primary` for the screen's main action, `danger` for one that moves money
 * away or deletes, `link` for an inline text action. */
export type ButtonVariant = "secondary" | "primary" | "danger" | "link";

interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: ButtonVariant;
  small?: boolean;
  /** While set the button is disabled and shows this text (e.g. "환불 요청 중…"). */
  busyText?: string | null;
}

/** The one button of the app. `type` defaults to `button`, so no button submits a form by accident. */
export function Button({ variant = "secondary", small = false, busyText = null, type = "button", className, disabled, children, ...rest }: ButtonProps) {
  const classes = [variant === "link" ? "link" : "button", variant === "primary" || variant === "danger" ? variant : "", small ? "small" : "", className ?? ""]
    .filter(Boolean)
    .join(" ");
  return (
    <button type={type} className={classes} disabled={disabled || busyText !== null} aria-busy={busyText !== null || undefined} {...rest}>
      {busyText ?? children}
    </button>
  );
}
