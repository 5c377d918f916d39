import { isAppUrl } from './app-origin';

/**
 * Who may call the router over IPC (docs/protocol.md §8: validate the sender of every message): the
 * main frame of one of our windows, showing our own page. A subframe, another webContents
 * (a devtools page, anything Chromium made) or a page that navigated away is refused.
 */

export interface FrameLike {
  readonly url: string;
  readonly parent: unknown;
  readonly frameTreeNodeId: number;
}

export interface InvokeEventLike {
  readonly sender: { readonly id: number; readonly mainFrame: FrameLike };
  /** Null once the frame navigated away or was destroyed. */
  readonly senderFrame: FrameLike | null;
}

export function isTrustedSender(event: InvokeEventLike, isOurWebContents: (id: number) => boolean): boolean {
  const frame = event.senderFrame;
  if (frame === null || !isOurWebContents(event.sender.id)) return false;
  if (frame.parent !== null || frame.frameTreeNodeId !== event.sender.mainFrame.frameTreeNodeId) return false;
  return isAppUrl(frame.url);
}
