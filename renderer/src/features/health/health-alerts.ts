/**
 * A desktop notification for a health alert (a node went NotReady, a host key is wrong), where
 * the platform allows one; the panel shows the alert in any case.
 */
export function notifyHealthAlert(title: string, body: string): void {
  if (typeof Notification === 'undefined') return;
  try {
    if (Notification.permission === 'granted') new Notification(title, { body });
    else if (Notification.permission === 'default') void Notification.requestPermission();
  } catch {
    // Some platforms refuse notifications from this context: the in-app alert remains.
  }
}
