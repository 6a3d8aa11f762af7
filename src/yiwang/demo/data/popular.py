"""The demo city's curated 热门服务, shown when too few services had applications lately.

Item codes in display order (``ServiceItem.popular_order``): the services a
city's portal usually features — starting a business, ID cards, social
security, housing fund, births, driving, property.
"""

from __future__ import annotations

POPULAR = [
    "11370100MB2855502M0701001000",  # 企业设立登记
    "11370100004186103M0702101000",  # 居民身份证申领、换领、补领
    "11370100MB2855504U2002004000",  # 社会保障卡申领
    "11370100MB285551502002302000",  # 住房公积金提取（购房、租房）
    "11370100MB2855502M0701002000",  # 个体工商户设立登记
    "11370100MB2855505Y0702001000",  # 出生医学证明签发
    "11370100004186111G0102801000",  # 机动车驾驶证期满换证
    "11370100MB2855512N0702301000",  # 不动产转移登记（存量房买卖）
]
