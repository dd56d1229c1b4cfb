from ui.compare import render

render()
