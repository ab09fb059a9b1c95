/** The duet console in the browser: routes by the URL's hash, asks for a token when the server wants one. */
import { render, useEffect, useState } from 'hono/jsx/dom';
import { type Bootstrap, configure, getJson, type Info, setToken, token, whenUnauthorized } from './api.ts';
import { Playground } from './playground.tsx';
import { Session, type SessionTab } from './session.tsx';
import { Sessions } from './sessions.tsx';

type Route = { page: 'sessions' } | { page: 'session'; id: string; tab: SessionTab } | { page: 'playground' };

function parse(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/');
  if (parts[0] === 'playground') return { page: 'playground' };
  if (parts[0] === 'sessions' && parts[1]) {
    let id = parts[1];
    try {
      id = decodeURIComponent(id);
    } catch {
      // Keep it as typed.
    }
    return { page: 'session', id, tab: (parts[2] as SessionTab) || 'runs' };
  }
  return { page: 'sessions' };
}

function navigate(hash: string, replace = false): void {
  if (replace) history.replaceState(null, '', hash);
  else history.pushState(null, '', hash);
  dispatchEvent(new HashChangeEvent('hashchange'));
}

function SignIn({ message, onToken }: { message: string; onToken(value: string): void }) {
  const [value, setValue] = useState('');
  return (
    <div class="page signin">
      <form
        class="panel signin-form"
        onSubmit={(event: Event) => {
          event.preventDefault();
          if (value.trim()) onToken(value.trim());
        }}
      >
        <h1 tabindex={-1} class="page-title">
          Sign in
        </h1>
        <p class="muted">This server needs a tenant token. It is kept in this tab only (sessionStorage).</p>
        {message ? (
          <p class="error-message" role="alert">
            {message}
          </p>
        ) : null}
        <label class="field-label" for="token">
          Token
        </label>
        <input
          id="token"
          type="password"
          autocomplete="off"
          value={value}
          onInput={(e: Event) => setValue((e.target as HTMLInputElement).value)}
        />
        <button type="submit" class="button button-primary">
          Open the console
        </button>
      </form>
    </div>
  );
}

function App({ boot }: { boot: Bootstrap }) {
  const [route, setRoute] = useState<Route>(parse(location.hash));
  const [needToken, setNeedToken] = useState(boot.auth && !token());
  const [authMessage, setAuthMessage] = useState('');
  const [info, setInfo] = useState<Info | undefined>(undefined);

  useEffect(() => {
    whenUnauthorized((message) => {
      setAuthMessage(token() ? 'The server refused that token: check it and try again.' : message);
      setToken('');
      setNeedToken(true);
    });
    const onHash = () => setRoute(parse(location.hash));
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    if (needToken) return;
    getJson<Info>('v1/info').then(setInfo, () => {});
  }, [needToken]);

  // A new page moves focus to its heading, so screen readers announce it and Tab starts from there.
  useEffect(() => {
    const heading = document.querySelector<HTMLElement>('main .page-title');
    if (heading && document.activeElement?.closest('main') == null) heading.focus({ preventScroll: true });
  }, [route.page, route.page === 'session' ? route.id : '', needToken]);

  const link = (hash: string, label: string, active: boolean) => (
    <a href={hash} class={`nav-link${active ? ' active' : ''}`} aria-current={active ? 'page' : undefined}>
      {label}
    </a>
  );

  return (
    <>
      {/* A button, not a #main link: the hash is the console's route. */}
      <button
        type="button"
        class="skip-link"
        onClick={() => document.querySelector<HTMLElement>('main .page-title')?.focus()}
      >
        Skip to content
      </button>
      <header class="topbar">
        <a class="brand" href="#/sessions">
          <span class="brand-mark" aria-hidden="true">
            ◆
          </span>{' '}
          duet <span class="brand-sub">console</span>
        </a>
        {needToken ? null : (
          <nav class="nav" aria-label="Main">
            {link('#/sessions', 'Sessions', route.page !== 'playground')}
            {link('#/playground', 'Playground', route.page === 'playground')}
          </nav>
        )}
        <div class="topbar-end">
          {info ? (
            <span
              class="muted small"
              title={info.apis.map((a) => `${a.name}: ${a.operations} operations`).join('\n')}
            >
              {info.tenant ? `${info.tenant} · ` : ''}
              {info.apis.map((a) => a.name).join(', ')}
            </span>
          ) : null}
          {boot.auth && !needToken ? (
            <button
              type="button"
              class="button button-small"
              onClick={() => {
                setToken('');
                setAuthMessage('');
                setInfo(undefined);
                setNeedToken(true);
              }}
            >
              Sign out
            </button>
          ) : null}
        </div>
      </header>
      <main id="main">
        {needToken ? (
          <SignIn
            message={authMessage}
            onToken={(value) => {
              setToken(value);
              setAuthMessage('');
              setNeedToken(false);
            }}
          />
        ) : route.page === 'playground' ? (
          <Playground info={info} navigate={navigate} />
        ) : route.page === 'session' ? (
          <Session id={route.id} tab={route.tab} info={info} navigate={navigate} />
        ) : (
          <Sessions navigate={navigate} />
        )}
      </main>
      <footer class="footer muted small">
        duet {boot.version} · <a href={`${boot.root}docs`}>API docs</a> ·{' '}
        <a href={`${boot.root}openapi.json`}>openapi.json</a>
      </footer>
    </>
  );
}

const boot = JSON.parse(document.getElementById('duet-bootstrap')?.textContent ?? '{}') as Bootstrap;
configure(boot);
const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(<App boot={boot} />, root);
}
