import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { bootstrap } from './bootstrap';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html lacks #root');
bootstrap();
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
