// "Use my current location" on the report form's location page: an extra where the browser can
// find its position. The page works without it: people can always describe the place in words.
// No map tiles are loaded, so nothing depends on a map server being reachable.

const form = document.querySelector('[data-module="report-location"]')

if (form && 'geolocation' in navigator) {
  const latitude = form.querySelector('input[name="latitude"]')
  const longitude = form.querySelector('input[name="longitude"]')
  const status = form.querySelector('[data-location-status]')

  const say = (text) => {
    status.innerHTML = ''
    const paragraph = document.createElement('p')
    paragraph.className = 'govuk-body'
    paragraph.textContent = text
    status.appendChild(paragraph)
  }

  // A live region must exist before its content changes, or screen readers may not announce it.
  status.setAttribute('aria-live', 'polite')

  const button = document.createElement('button')
  button.type = 'button'
  button.className = 'govuk-button govuk-button--secondary'
  button.textContent = 'Use my current location'
  status.parentNode.insertBefore(button, status)

  button.addEventListener('click', () => {
    say('Finding your location…')
    button.disabled = true
    navigator.geolocation.getCurrentPosition(
      (position) => {
        latitude.value = position.coords.latitude.toFixed(6)
        longitude.value = position.coords.longitude.toFixed(6)
        button.disabled = false
        say('We have added your current location. You can describe the place in words as well, to help us find it.')
      },
      () => {
        button.disabled = false
        say('We could not find your location. Describe where the problem is in words instead.')
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
    )
  })
}
