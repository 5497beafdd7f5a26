/**
 * A desktop notification and a short chime when a card is done, so the user can be elsewhere
 * while it is written. Both are optional (a setting), ask for nothing until the user writes a
 * card, and stay silent wherever the platform refuses them.
 */
const storageKey = 'kubeflash.cardDoneAlerts';

export function cardDoneAlertsEnabled(): boolean {
  return localStorage.getItem(storageKey) !== 'off';
}

export function setCardDoneAlertsEnabled(enabled: boolean): void {
  localStorage.setItem(storageKey, enabled ? 'on' : 'off');
}

let audio: AudioContext | null = null;

/** Call from the user's click on Write: permission prompts and audio need a user gesture. */
export function prepareCardDoneAlerts(): void {
  if (!cardDoneAlertsEnabled()) return;
  try {
    audio ??= new AudioContext();
    void audio.resume().catch(() => {});
  } catch {
    audio = null;
  }
  if (typeof Notification !== 'undefined' && Notification.permission === 'default') {
    void Notification.requestPermission().catch(() => 'denied');
  }
}

export function announceCardDone(message: { title: string; body: string; ok: boolean }): void {
  if (!cardDoneAlertsEnabled()) return;
  showNotification(message.title, message.body);
  playChime(message.ok);
}

function showNotification(title: string, body: string): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  try {
    new Notification(title, { body, silent: true });
  } catch {
    // Some shells refuse notifications from a page; the card's result is on screen anyway.
  }
}

/** Two short notes: rising when the card is done, falling when it failed. */
function playChime(ok: boolean): void {
  if (!audio || audio.state !== 'running') return;
  const start = audio.currentTime;
  const notes = ok ? [660, 990] : [440, 330];
  notes.forEach((frequency, index) => {
    if (!audio) return;
    const at = start + index * 0.16;
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.type = 'sine';
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.15, at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.22);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(at);
    oscillator.stop(at + 0.25);
  });
}
