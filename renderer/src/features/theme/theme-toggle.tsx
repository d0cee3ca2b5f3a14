import { useStore } from '../../store';
import type { ThemeChoice } from './theme-slice';

const CHOICES: { id: ThemeChoice; label: string; title: string }[] = [
  { id: 'system', label: 'Auto', title: 'Follow the system’s light or dark setting' },
  { id: 'light', label: 'Light', title: 'Always light' },
  { id: 'dark', label: 'Dark', title: 'Always dark' },
];

export function ThemeToggle() {
  const theme = useStore((s) => s.theme);
  const setTheme = useStore((s) => s.setTheme);
  return (
    <div className="toggle" role="group" aria-label="Theme">
      {CHOICES.map((c) => (
        <button key={c.id} aria-pressed={theme === c.id} title={c.title} onClick={() => setTheme(c.id)} data-testid={`theme-${c.id}`}>
          {c.label}
        </button>
      ))}
    </div>
  );
}
