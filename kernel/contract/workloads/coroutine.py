"""A coroutine function: the asyncio strategy awaits it, the others run it with asyncio.run."""

import asyncio


async def work(index):
    await asyncio.sleep(0.001)
    return {"index": index, "square": index * index}
