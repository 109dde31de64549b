import type { TransportPreference } from '@confab/client';
import { useConnection, useSettings } from '@confab/react';
import { useId } from 'react';
import { TRANSPORT_LABELS } from '../app/transport';
import { useAction } from '../lib/use-action';
import { NotificationSettings } from '../notifications/NotificationSettings';
import { TRANSPORT_NAMES } from '../sidebar/ConnectionStatus';
import { Alert } from '../ui/Alert';
import { AccountData } from './AccountData';
import { Panel } from './Panel';
import { ProfileSettings } from './ProfileSettings';
import { SessionsList } from './SessionsList';

const TRANSPORTS: readonly TransportPreference[] = ['auto', 'ws', 'sse', 'poll'];

export function SettingsPanel(props: {
  onBack: () => void;
  transport: TransportPreference;
  onTransportChange: (transport: TransportPreference) => void;
  onSignOut: () => Promise<void>;
  onDeleteAccount: (password: string) => Promise<void>;
}) {
  const connection = useConnection();
  const { settings, error, update } = useSettings();
  const saving = useAction();
  const hint = useId();

  return (
    <Panel title="Settings" onBack={props.onBack}>
      <div className="settings">
        <ProfileSettings />

        <section className="card stack" aria-labelledby="settings-connection">
          <h3 id="settings-connection">Connection</h3>
          <label className="field">
            <span>Live updates travel over</span>
            <select
              value={props.transport}
              aria-describedby={hint}
              onChange={(e) => {
                const next = TRANSPORTS.find((t) => t === e.target.value);
                if (next) props.onTransportChange(next);
              }}
            >
              {TRANSPORTS.map((t) => (
                <option key={t} value={t}>
                  {TRANSPORT_LABELS[t]}
                </option>
              ))}
            </select>
          </label>
          <p id={hint} className="muted">
            Automatic suits almost everyone. Behind a proxy that blocks WebSocket or streaming,
            choose SSE or long polling.
            {connection.state === 'connected' && connection.transport
              ? ` Now connected via ${TRANSPORT_NAMES[connection.transport]}.`
              : ''}
          </p>
        </section>

        <section className="card stack" aria-labelledby="settings-privacy">
          <h3 id="settings-privacy">Privacy and notifications</h3>
          <Alert message={error ?? saving.error} />
          <label className="check">
            <input
              type="checkbox"
              checked={settings?.shareReadReceipts ?? false}
              disabled={!settings || saving.busy}
              onChange={(e) => {
                const shareReadReceipts = e.target.checked;
                void saving.run(() => update({ shareReadReceipts }));
              }}
            />
            <span>
              Share read receipts
              <span className="muted">Others see when you have read their messages.</span>
            </span>
          </label>
          <NotificationSettings />
        </section>

        <SessionsList />

        <section className="card stack" aria-labelledby="settings-account">
          <h3 id="settings-account">Account</h3>
          <button type="button" className="danger" onClick={() => void props.onSignOut()}>
            Sign out of this device
          </button>
        </section>

        <AccountData onDelete={props.onDeleteAccount} />
      </div>
    </Panel>
  );
}
