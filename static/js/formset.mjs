// MOJ Frontend's add-another adds and removes action lines in the browser;
// Django's formset needs to be told how many lines there are.
export function countFormsetItems (root) {
  const prefix = root.dataset.formsetPrefix
  const total = root.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`)
  if (!total) return
  const update = () => {
    total.value = String(root.querySelectorAll('.moj-add-another__item').length)
  }
  root.addEventListener('moj-add-another:add-item', update)
  root.addEventListener('moj-add-another:remove-item', update)
  // The remove button's own event may fire before the item leaves the page.
  root.addEventListener('click', () => window.setTimeout(update, 0))
}
