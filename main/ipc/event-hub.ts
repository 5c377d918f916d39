import type { TillEvent } from '../../preload/contract';

/**
 * Fan-out of till events to every subscribed screen. Events are frozen once, so one
 * listener cannot change what the next one sees, and a listener that throws (or rejects)
 * is logged and skipped: one broken screen must not silence the others, nor the engine
 * that emitted the event.
 */

type Listener = (event: TillEvent) => void;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

export class EventHub {
  private readonly listeners = new Set<{ listener: Listener; label: string }>();

  constructor(private readonly log: (line: string) => void) {}

  subscribe(listener: Listener, label: string): () => void {
    const entry = { listener, label };
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  emit(event: TillEvent): void {
    deepFreeze(event);
    for (const entry of [...this.listeners]) {
      try {
        const returned: unknown = entry.listener(event);
        if (returned instanceof Promise) returned.catch((error: unknown) => this.failed(entry.label, event, error));
      } catch (error) {
        this.failed(entry.label, event, error);
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }

  private failed(label: string, event: TillEvent, error: unknown): void {
    this.log(`router: a ${event.type} event listener of ${label} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
