import { NAV_ITEMS, type NavName } from "../routes";
import { SHORTCUT_KEYS } from "../useAppKeys";

/** The keyboard shortcut of a navigation item, when it has one. */
const SHORTCUTS: Partial<Record<NavName, string>> = { plans: SHORTCUT_KEYS.plans, orders: SHORTCUT_KEYS.orders };

interface NavProps {
  current: NavName;
  onNavigate: (name: NavName) => void;
}

/** The main navigation: 요금제 / 주문 내역 / 설정 (`data-testid="nav-<name>"`). */
export function Nav({ current, onNavigate }: NavProps) {
  return (
    <nav className="nav" aria-label="주 메뉴">
      {NAV_ITEMS.map((item) => (
        <button
          key={item.name}
          type="button"
          className={item.name === current ? "nav-item active" : "nav-item"}
          aria-current={item.name === current ? "page" : undefined}
          data-testid={`nav-${item.name}`}
          aria-keyshortcuts={SHORTCUTS[item.name]}
          title={SHORTCUTS[item.name] ? `${item.labelKo} (${SHORTCUTS[item.name]})` : undefined}
          onClick={() => onNavigate(item.name)}
        >
          <span className="ko">{item.labelKo}</span>
          <span className="en">{item.labelEn}</span>
        </button>
      ))}
    </nav>
  );
}
