from ui.batch import render

render()
