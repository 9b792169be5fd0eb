import { NAV_ITEMS, type NavName } from "../routes";

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
          onClick={() => onNavigate(item.name)}
        >
          <span className="ko">{item.labelKo}</span>
          <span className="en">{item.labelEn}</span>
        </button>
      ))}
    </nav>
  );
}
