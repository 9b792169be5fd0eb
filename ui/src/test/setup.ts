import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";

afterEach(() => {
  cleanup();
  // The shell keeps its screen in the URL fragment: each test starts on the plan list.
  window.history.replaceState(null, "", window.location.pathname);
  delete window.__PANMUSIC_SCREEN__;
});
