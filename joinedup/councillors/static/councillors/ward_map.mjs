// The ward dashboard's map: an extra where JavaScript runs. It draws the ward's boundary and the
// requests in the table as an SVG, with no map tiles, so it needs no map server. The table below
// it always has the same requests, so nobody depends on the map.

const holder = document.querySelector('[data-module="ward-map"]')
const source = document.getElementById('ward-map-data')

if (holder && source) {
  const data = JSON.parse(source.textContent)
  const rings = []
  const collect = (geometry) => {
    if (!geometry) return
    if (geometry.type === 'Polygon') rings.push(...geometry.coordinates)
    if (geometry.type === 'MultiPolygon') geometry.coordinates.forEach((polygon) => rings.push(...polygon))
  }
  collect(data.boundary)
  const points = rings.flat()
  if (points.length) {
    const lons = points.map((p) => p[0])
    const lats = points.map((p) => p[1])
    const [minLon, maxLon, minLat, maxLat] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)]
    const width = 600
    const scale = width / Math.max(maxLon - minLon, 1e-9)
    const latScale = scale / Math.cos(((minLat + maxLat) / 2) * Math.PI / 180)
    const height = Math.max(120, Math.min(600, (maxLat - minLat) * latScale))
    const x = (lon) => ((lon - minLon) * scale).toFixed(1)
    const y = (lat) => ((maxLat - lat) * (height / Math.max(maxLat - minLat, 1e-9))).toFixed(1)
    const ns = 'http://www.w3.org/2000/svg'
    const svg = document.createElementNS(ns, 'svg')
    svg.setAttribute('viewBox', `-10 -10 ${width + 20} ${height + 20}`)
    svg.setAttribute('role', 'img')
    svg.setAttribute('aria-label', holder.dataset.label)
    svg.setAttribute('style', 'width: 100%; max-width: 600px; display: block; margin-bottom: 20px')
    for (const ring of rings) {
      const path = document.createElementNS(ns, 'polygon')
      path.setAttribute('points', ring.map((p) => `${x(p[0])},${y(p[1])}`).join(' '))
      path.setAttribute('fill', '#f3f2f1')
      path.setAttribute('stroke', '#0b0c0c')
      path.setAttribute('stroke-width', '2')
      svg.appendChild(path)
    }
    for (const point of data.points) {
      const dot = document.createElementNS(ns, 'circle')
      dot.setAttribute('cx', x(point.lon))
      dot.setAttribute('cy', y(point.lat))
      dot.setAttribute('r', '6')
      dot.setAttribute('fill', '#1d70b8')
      const title = document.createElementNS(ns, 'title')
      title.textContent = point.reference
      dot.appendChild(title)
      svg.appendChild(dot)
    }
    holder.appendChild(svg)
  }
}
