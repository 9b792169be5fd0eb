import { createContext, useContext, useEffect, useState } from "react";

/**
 * Whether Rust can reach Iamport, as the status bar knows it (null until the first status).
 * App provides it; screens read it with [`useOnline`].
 */
export const OnlineContext = createContext<boolean | null>(null);

/** Online unless Rust says Iamport is unreachable or the system says the network is gone. */
export function useOnline(): boolean {
  const rust = useContext(OnlineContext);
  const [network, setNetwork] = useState(() => navigator.onLine);
  useEffect(() => {
    const up = () => setNetwork(true);
    const down = () => setNetwork(false);
    window.addEventListener("online", up);
    window.addEventListener("offline", down);
    return () => {
      window.removeEventListener("online", up);
      window.removeEventListener("offline", down);
    };
  }, []);
  return network && rust !== false;
}
