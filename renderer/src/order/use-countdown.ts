import { useEffect, useState } from 'react';
import { useTill } from '../app/till-context';
import { remainingMs } from './countdown';

/** Milliseconds left until `deadline` on the main process clock, ticking while it runs. */
export function useCountdown(deadline: number | null, running: boolean): number | null {
  const { offsetMs } = useTill();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running || deadline === null) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [running, deadline]);
  return deadline === null ? null : remainingMs(deadline, now, offsetMs);
}
