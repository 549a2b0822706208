// Warn before a session ends, as GOV.UK services do. The server ends a session
// after a time without a request (a "stay signed in" request restarts that
// clock) and, whatever happens, a fixed time after signing in: then there is
// nothing to extend, so the warning says so and offers no button.
// data-session-seconds is the earlier of the two; data-session-ends says which.
const WARN_BEFORE_SECONDS = 5 * 60

export function warnBeforeTimeout (body) {
  let seconds = Number(body.dataset.sessionSeconds)
  let ends = body.dataset.sessionEnds
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
    const minutes = Math.max(Math.round(Math.min(seconds, WARN_BEFORE_SECONDS) / 60), 1)
    const when = `in ${minutes} minute${minutes === 1 ? '' : 's'}`
    if (ends === 'limit') {
      message.textContent = `We will sign you out ${when} because you signed in a long time ago. Save your work, then sign in again to carry on. What you have typed is kept on this device until you save it.`
      stay.hidden = true
    } else {
      message.textContent = `We will sign you out ${when} because you have not done anything for a while. What you have typed is kept on this device until you save it.`
      stay.hidden = false
    }
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
        const answer = await response.json()
        seconds = Number(answer.seconds) || seconds
        ends = answer.ends
        dialog.close()
        start()
        return
      }
    } catch (error) { /* offline: say so below */ }
    ended()
  })
  start()
}
