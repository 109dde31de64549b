// First: zod must be configured before any schema is built (see the module).
import './lib/zod-jitless';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { registerServiceWorker } from './lib/service-worker';
import './styles/base.css';
import './styles/layout.css';
import './styles/sidebar.css';
import './styles/conversation.css';
import './styles/messages.css';
import './styles/markdown.css';
import './styles/mentions.css';
import './styles/panels.css';
import './styles/search.css';
import './styles/forms.css';
import './styles/threads.css';
import './styles/room-admin.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
registerServiceWorker();
