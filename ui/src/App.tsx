import { useState } from "react";
import { Nav } from "./components/Nav";
import { SandboxBanner } from "./components/SandboxBanner";
import { StartupErrorScreen } from "./components/StartupErrorScreen";
import { StatusBar } from "./components/StatusBar";
import { appStatus } from "./ipc";
import type { Route } from "./routes";
import { OrdersScreen } from "./screens/OrdersScreen";
import { PlansScreen } from "./screens/PlansScreen";
import { SettingsScreen } from "./screens/SettingsScreen";
import { useCommand } from "./useCommand";

/** How often the status bar asks Rust for mode, connectivity and queue length. */
export const STATUS_REFRESH_MS = 5000;

function renderScreen(route: Route, onSettingsSaved: () => void) {
  switch (route.name) {
    case "plans":
      return <PlansScreen />;
    case "orders":
      return <OrdersScreen />;
    case "settings":
      return <SettingsScreen onSaved={onSettingsSaved} />;
  }
}

/** The shell: banner, title, navigation, the current screen and the status bar. */
export function App() {
  const [route, setRoute] = useState<Route>({ name: "plans" });
  const [status, reloadStatus] = useCommand(appStatus, STATUS_REFRESH_MS);
  const current = status.status === "ok" ? status.data : null;

  if (current?.storeProblem) {
    return <StartupErrorScreen problem={current.storeProblem} dataDir={current.dataDir} />;
  }

  return (
    <div className="shell">
      {current?.mode === "sandbox" && <SandboxBanner />}
      <header className="top">
        <span className="brand">판뮤직 POS</span>
        <Nav current={route.name} onNavigate={(name) => setRoute({ name })} />
      </header>
      {status.status === "error" && (
        <div className="notice error" role="alert" data-testid="status-error">
          앱 상태를 확인하지 못했습니다: {status.error.message}
        </div>
      )}
      {current?.settingsProblem && route.name !== "settings" && (
        <div className="notice warning" role="alert" data-testid="settings-problem-banner">
          {current.settingsProblem}{" "}
          <button type="button" className="link" onClick={() => setRoute({ name: "settings" })}>
            설정 열기
          </button>
        </div>
      )}
      <main className="content">{renderScreen(route, reloadStatus)}</main>
      <StatusBar status={current} />
    </div>
  );
}
