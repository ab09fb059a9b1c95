/** JSON as a tree of <details> (keyboard and screen readers get toggles for free), short values inline. */

const INLINE = 60;

function summary(value: unknown): string {
  if (Array.isArray(value)) return `Array(${value.length})`;
  const keys = Object.keys(value as object);
  return `{${keys.slice(0, 4).join(', ')}${keys.length > 4 ? ', …' : ''}}`;
}

function Leaf({ value }: { value: unknown }) {
  if (value === null) return <span class="json-null">null</span>;
  switch (typeof value) {
    case 'string':
      return <span class="json-string">{JSON.stringify(value)}</span>;
    case 'number':
    case 'bigint':
      return <span class="json-number">{String(value)}</span>;
    case 'boolean':
      return <span class="json-boolean">{String(value)}</span>;
    default:
      return <span class="json-null">{String(value)}</span>;
  }
}

function Node({ name, value, depth }: { name?: string; value: unknown; depth: number }) {
  const label = name === undefined ? null : <span class="json-key">{name}: </span>;
  if (value === null || typeof value !== 'object') {
    return (
      <div class="json-row">
        {label}
        <Leaf value={value} />
      </div>
    );
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  if (entries.length === 0) {
    return (
      <div class="json-row">
        {label}
        <span class="json-null">{Array.isArray(value) ? '[]' : '{}'}</span>
      </div>
    );
  }
  const text = JSON.stringify(value);
  if (text.length <= INLINE && depth > 0) {
    return (
      <div class="json-row">
        {label}
        <span class="json-inline">{text}</span>
      </div>
    );
  }
  return (
    <details class="json-node" open={depth < 3}>
      <summary>
        {label}
        <span class="json-summary">{summary(value)}</span>
      </summary>
      <div class="json-children">
        {entries.map(([key, child]) => (
          <Node name={key} value={child} depth={depth + 1} />
        ))}
      </div>
    </details>
  );
}

/** The root's own entries are listed directly (no toggle for the whole value). */
export function JsonView({ value, label }: { value: unknown; label: string }) {
  const entries =
    value !== null && typeof value === 'object'
      ? Array.isArray(value)
        ? value.map((v, i) => [String(i), v] as const)
        : Object.entries(value)
      : undefined;
  return (
    <div class="json" data-label={label}>
      {entries && entries.length > 0 ? (
        entries.map(([key, child]) => <Node name={key} value={child} depth={1} />)
      ) : (
        <Node value={value} depth={0} />
      )}
    </div>
  );
}
