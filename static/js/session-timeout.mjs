// Warn before an idle session ends, as GOV.UK services do, and offer to stay
// signed in. The server ends a session after data-session-seconds without a
// request; a "stay signed in" request restarts that clock.
const WARN_BEFORE_SECONDS = 5 * 60

export function warnBeforeTimeout (body) {
  const seconds = Number(body.dataset.sessionSeconds)
  const dialog = document.getElementById('session-timeout')
  if (!seconds || !dialog || typeof dialog.showModal !== 'function') return
  const message = dialog.querySelector('[data-timeout-message]')
  const stay = dialog.querySelector('[data-timeout-stay]')
  const keepAliveUrl = dialog.dataset.keepAliveUrl
  const csrf = dialog.querySelector('input[name="csrfmiddlewaretoken"]')
  let warnTimer, endTimer

  const start = () => {
    window.clearTimeout(warnTimer)
    window.clearTimeout(endTimer)
    warnTimer = window.setTimeout(warn, Math.max(seconds - WARN_BEFORE_SECONDS, 0) * 1000)
    endTimer = window.setTimeout(ended, seconds * 1000)
  }
  const warn = () => {
    message.textContent = 'We will sign you out in 5 minutes because you have not done anything for a while. What you have typed is kept on this device until you save it.'
    stay.hidden = false
    if (!dialog.open) dialog.showModal()
  }
  const ended = () => {
    message.textContent = 'You have been signed out. Sign in again to carry on. What you typed on this device will come back when you open the same page.'
    stay.hidden = true
    if (!dialog.open) dialog.showModal()
  }
  stay.addEventListener('click', async () => {
    try {
      const response = await window.fetch(keepAliveUrl, {
        method: 'POST',
        headers: { 'X-CSRFToken': csrf ? csrf.value : '' },
        credentials: 'same-origin'
      })
      if (response.ok) {
        dialog.close()
        start()
        return
      }
    } catch (error) { /* offline: say so below */ }
    ended()
  })
  start()
}
