/**
 * A code editor: a plain <textarea> (native editing, undo, selection, screen readers) over a highlighted
 * copy of its text, with line numbers and the type-checker's diagnostics marked on their lines.
 */
import { useRef } from 'hono/jsx/dom';
import type { Diagnostic } from './api.ts';
import { Tokens, tokenLines } from './highlight.tsx';

export interface EditorProps {
  id: string;
  label: string;
  value: string;
  onInput(value: string): void;
  diagnostics: Diagnostic[];
  /** Ctrl/Cmd+Enter. */
  onSubmit?(): void;
}

const INDENT = '  ';

export function Editor({ id, label, value, onInput, diagnostics, onSubmit }: EditorProps) {
  const area = useRef<HTMLTextAreaElement>(null);
  const lines = tokenLines(value);
  const byLine = new Map<number, Diagnostic[]>();
  for (const d of diagnostics) if (d.line) byLine.set(d.line, [...(byLine.get(d.line) ?? []), d]);
  const width = Math.max(20, ...value.split('\n').map((line) => line.length)) + 2;

  const onKeyDown = (event: KeyboardEvent) => {
    const target = event.target as HTMLTextAreaElement;
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      onSubmit?.();
      return;
    }
    // Tab indents; Escape first lets Tab move focus on (the hint under the editor says so).
    if (event.key === 'Tab' && !event.shiftKey && target.dataset.escaped !== 'true') {
      event.preventDefault();
      const { selectionStart: start, selectionEnd: end } = target;
      target.setRangeText(INDENT, start, end, 'end');
      onInput(target.value);
      return;
    }
    target.dataset.escaped = event.key === 'Escape' ? 'true' : 'false';
  };

  return (
    <div class="editor-wrap">
      <label class="field-label" for={id}>
        {label}
      </label>
      <div class={`editor${diagnostics.length ? ' editor-invalid' : ''}`}>
        <div class="editor-gutter" aria-hidden="true">
          {lines.map((_, i) => {
            const found = byLine.get(i + 1);
            return (
              <div
                class={`gutter-line${found ? ' has-error' : ''}`}
                data-line={i + 1}
                title={found?.map((d) => d.message).join('\n')}
              >
                {i + 1}
              </div>
            );
          })}
        </div>
        <div class="editor-body">
          <pre class="editor-highlight" aria-hidden="true">
            {lines.map((tokens, i) => (
              <div class={`code-line${byLine.has(i + 1) ? ' line-error' : ''}`} data-line={i + 1}>
                <Tokens tokens={tokens} />
                {'\n'}
              </div>
            ))}
          </pre>
          <textarea
            id={id}
            ref={area}
            class="editor-input"
            value={value}
            rows={lines.length}
            cols={width}
            wrap="off"
            spellcheck={false}
            autocomplete="off"
            autocapitalize="off"
            aria-invalid={diagnostics.length > 0 ? 'true' : 'false'}
            aria-describedby={`${id}-problems ${id}-hint`}
            onInput={(event: Event) => onInput((event.target as HTMLTextAreaElement).value)}
            onKeyDown={onKeyDown}
          />
        </div>
      </div>
      <p id={`${id}-hint`} class="hint">
        Ctrl+Enter runs · Tab indents (Esc, then Tab, leaves the editor)
      </p>
      <ul id={`${id}-problems`} class="problems" aria-label="Problems">
        {diagnostics.map((d) => (
          <li class="problem" data-line={d.line ?? ''}>
            {d.line ? (
              <button
                type="button"
                class="link"
                onClick={() => {
                  const el = area.current;
                  if (!el || !d.line) return;
                  const starts = [0];
                  for (const line of el.value.split('\n'))
                    starts.push(starts[starts.length - 1] + line.length + 1);
                  const at = starts[d.line - 1] + Math.max(0, (d.column ?? 1) - 1);
                  el.focus();
                  el.setSelectionRange(at, at);
                }}
              >
                Line {d.line}
                {d.column ? `:${d.column}` : ''}
              </button>
            ) : null}{' '}
            <span class="problem-message">{d.message}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
