import { Dialog } from './Dialog.js';

export const SHORTCUTS: [string, string][] = [
  ['?', 'Show this help'],
  ['/', 'Search tickets'],
  ['j / k', 'Open the next / previous ticket in the list'],
  ['↑ / ↓', 'Move between tickets in the list'],
  ['Enter', 'Open the focused ticket, or show the focused blade’s tickets'],
  ['Esc', 'Close the ticket, form, card or dialog; clear the blade filter'],
  ['t', 'Go to the ticket list'],
  ['f', 'Go to the fleet grid (arrows move, Home/End, PageUp/PageDown)'],
  ['s', 'Go to the service level'],
  ['n', 'Place a call (customer)'],
  ['r', 'Reload everything from the collector'],
  ['Ctrl+Enter', 'Submit the open action form'],
];

export function HelpDialog({ onClose }: { onClose(): void }) {
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose}>
      <table class="shortcuts">
        <tbody>
          {SHORTCUTS.map(([keys, what]) => (
            <tr key={keys}>
              <th scope="row">
                {keys.split(' / ').map((k, i) => (
                  <>
                    {i > 0 && ' / '}
                    <kbd>{k}</kbd>
                  </>
                ))}
              </th>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted small">
        Countdown bars fill as a contract clock’s time goes: neutral, amber from the warning, red at
        the breach. Times are wall-clock time to the due moment; bars marked BH count business hours
        only.
      </p>
    </Dialog>
  );
}
