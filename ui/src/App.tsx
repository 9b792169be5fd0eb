import { useEffect, useMemo, useState } from "react";
import { Button } from "./components/Button";
import { Nav } from "./components/Nav";
import { SandboxBanner } from "./components/SandboxBanner";
import { StartupErrorScreen } from "./components/StartupErrorScreen";
import { StatusBar } from "./components/StatusBar";
import { appStatus, subscriptionsNeedingAttention, syncStatus } from "./ipc";
import { OnlineContext } from "./online";
import { ownerText } from "./ownerText";
import { keepScreenInUrl, navOf, routeFromFragment, type Route } from "./routes";
import { CheckoutScreen } from "./screens/checkout/CheckoutScreen";
import { PaymentReturnScreen } from "./screens/checkout/PaymentReturnScreen";
import { usePaymentReturn } from "./screens/checkout/usePaymentReturn";
import { OrderPage } from "./screens/orders/OrderPage";
import { OrdersScreen } from "./screens/orders/OrdersScreen";
import { SettlementScreen } from "./screens/settlement/SettlementScreen";
import { PlansScreen } from "./screens/PlansScreen";
import { SubscriptionsScreen } from "./screens/subscriptions/SubscriptionsScreen";
import { PinSetupOffer } from "./screens/pin/PinSetupOffer";
import { SettingsScreen } from "./screens/SettingsScreen";
import { useScreenFocus, useShortcuts } from "./useAppKeys";
import { useCommand } from "./useCommand";

/** How often the status bar asks Rust for mode, connectivity and queue length. */
export const STATUS_REFRESH_MS = 5000;

function renderScreen(route: Route, go: (route: Route) => void, onSettingsSaved: () => void) {
  const openOrder = (merchantUid: string) => go({ name: "order", merchantUid });
  switch (route.name) {
    case "plans":
      return (
        <PlansScreen
          onSelect={(plan) =>
            go(plan.kind === "subscription" ? { name: "subscriptions" } : { name: "checkout", plan })
          }
        />
      );
    case "subscriptions":
      return <SubscriptionsScreen />;
    case "checkout":
      return (
        <CheckoutScreen
          key={route.plan.id}
          plan={route.plan}
          onBack={() => go({ name: "plans" })}
          onOpenOrder={openOrder}
          onShowsOrder={keepScreenInUrl}
        />
      );
    case "payment-result":
      return <PaymentReturnScreen result={route.result} onOpenOrder={openOrder} />;
    case "orders":
      return <OrdersScreen onOpen={openOrder} />;
    case "settlement":
      return <SettlementScreen onOpen={openOrder} />;
    case "order":
      return <OrderPage merchantUid={route.merchantUid} onBack={() => go({ name: "orders" })} />;
    case "settings":
      return <SettingsScreen onSaved={onSettingsSaved} />;
  }
}

/** The shell: banner, title, navigation, the current screen and the status bar. */
export function App() {
  // A window rebuilt after closing to the tray opens on the screen the last one showed.
  const [route, setRoute] = useState<Route>(() =>
    routeFromFragment(window.location.hash || window.__PANMUSIC_SCREEN__),
  );
  useEffect(() => keepScreenInUrl(route), [route]);
  const [status, reloadStatus] = useCommand(appStatus, STATUS_REFRESH_MS);
  const current = status.status === "ok" ? status.data : null;
  const [sync, reloadSync] = useCommand(syncStatus, STATUS_REFRESH_MS);
  const [subsAttention] = useCommand(subscriptionsNeedingAttention, STATUS_REFRESH_MS);
  const engine = sync.status === "ok" && !sync.data.stopped ? sync.data : null;
  const online = engine ? engine.online : current ? current.online : null;
  usePaymentReturn((result) => setRoute({ name: "payment-result", result }));
  const { main, focusNext } = useScreenFocus(route);
  const shortcuts = useMemo(
    () => ({
      plans: () => setRoute({ name: "plans" }),
      orders: () => setRoute({ name: "orders" }),
      search: () => {
        focusNext('[data-testid="orders-search"]');
        setRoute({ name: "orders" });
      },
    }),
    [focusNext],
  );
  useShortcuts(shortcuts);

  if (current?.storeProblem) {
    return <StartupErrorScreen problem={current.storeProblem} dataDir={current.dataDir} />;
  }

  return (
    <div className="shell">
      {current?.mode === "sandbox" && !current.modeHeld && <SandboxBanner />}
      <header className="top">
        <span className="brand">판뮤직 POS</span>
        <span className="account" data-testid="header-account">
          {current?.account
            ? `${current.account.store || "매장 이름 없음"} · 계정 ${current.account.accountId}`
            : current
              ? "판뮤직 계정 미설정"
              : ""}
        </span>
        <Nav current={navOf(route)} onNavigate={(name) => setRoute({ name })} />
      </header>
      {status.status === "error" && (
        <div className="notice error" role="alert" data-testid="status-error">
          앱 상태를 확인하지 못했습니다: {ownerText(status.error.message)}
        </div>
      )}
      {current?.settingsProblem && route.name !== "settings" && (
        <div className="notice warning" role="alert" data-testid="settings-problem-banner">
          {ownerText(current.settingsProblem)}{" "}
          <Button variant="link" onClick={() => setRoute({ name: "settings" })}>
            설정 열기
          </Button>
        </div>
      )}
      <PinSetupOffer />
      <OnlineContext.Provider value={online}>
        <main className="content" ref={main}>
          {renderScreen(route, setRoute, reloadStatus)}
        </main>
      </OnlineContext.Provider>
      <StatusBar
        status={current}
        sync={sync.status === "ok" ? sync.data : null}
        onSynced={reloadSync}
        subscriptionsAttention={subsAttention.status === "ok" ? subsAttention.data : 0}
      />
    </div>
  );
}
