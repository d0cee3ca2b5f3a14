import { useEffect, useState } from 'react';

/** Date.now(), refreshed every `everyMs` while the component is mounted (for "in 12 s" countdowns). */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}
