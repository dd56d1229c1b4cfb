from ui.review import render

render()
