import type { TillErrorView } from '../../../preload/contract';
import { useI18n } from '../i18n/i18n-context';

export function ErrorNote({ error, testId }: { error: TillErrorView | null; testId: string }) {
  const { error: say } = useI18n();
  if (error === null) return null;
  return (
    <p className="note note-error" role="alert" data-testid={testId} data-code={error.code} data-field={error.field}>
      {say(error)}
    </p>
  );
}

export function OkNote({ text, testId }: { text: string | null; testId: string }) {
  if (text === null) return null;
  return (
    <p className="note note-ok" role="status" data-testid={testId}>
      {text}
    </p>
  );
}
